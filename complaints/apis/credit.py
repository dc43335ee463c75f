"""API of the credit part of the complaints app."""

urlpatterns: list = []
