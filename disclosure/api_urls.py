"""The portal's API (public, read-only), each part's paths in its own apis module."""

app_name = "disclosure"

urlpatterns = []
