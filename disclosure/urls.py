"""The portal's pages, each part's paths in its own views module (mounted at the site's
root: ``/`` is the portal's home, ``/notices/…`` the notices)."""

from .views import portal, search

app_name = "disclosure"

urlpatterns = [*search.urlpatterns, *portal.urlpatterns]
