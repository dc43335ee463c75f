"""API of the complaints part of the complaints app."""

urlpatterns: list = []
