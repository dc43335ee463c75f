"""Pages of the challenges part of the complaints app."""

urlpatterns: list = []
