"""The portal's API (public, read-only), each part's paths in its own apis module."""

from .apis import ocds, search

app_name = "disclosure"

urlpatterns = [*search.urlpatterns, *ocds.urlpatterns]
