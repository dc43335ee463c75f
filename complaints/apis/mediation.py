"""API of the mediation part of the complaints app."""

urlpatterns: list = []
