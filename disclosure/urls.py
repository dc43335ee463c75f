"""The portal's pages, each part's paths in its own views module (mounted at the site's
root: ``/`` is the portal's home, ``/notices/…`` the notices)."""

from .views import home, normative, portal, practice

app_name = "disclosure"

urlpatterns = [*home.urlpatterns, *portal.urlpatterns, *normative.urlpatterns,
               *practice.urlpatterns]
