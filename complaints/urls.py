"""The pages of every part, each part's paths in its own views module (mounted at the
site's root: ``/complaints/…`` for the parties and the finance bureau, ``/notices/…`` for
the public pages)."""

from .views import challenges, complaints, credit, inquiries, mediation

app_name = "complaints"

urlpatterns = [
    *inquiries.urlpatterns, *challenges.urlpatterns, *complaints.urlpatterns,
    *mediation.urlpatterns, *credit.urlpatterns,
]
