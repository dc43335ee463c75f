"""The portal's pages, each part's paths in its own views module (mounted at the site's
root: ``/`` is the portal's home, ``/notices/…`` the notices, their search and feeds,
``/agencies/…`` the agencies' practice; the finance bureau's publishing pages under
``/supervision/``)."""

from .views import documents, feeds, home, normative, notices, portal, practice, search

app_name = "disclosure"

urlpatterns = [*home.urlpatterns, *search.urlpatterns, *portal.urlpatterns,
               *documents.urlpatterns, *notices.urlpatterns, *feeds.urlpatterns,
               *normative.urlpatterns, *practice.urlpatterns]
