"""API of the inquiries part of the complaints app."""

urlpatterns: list = []
