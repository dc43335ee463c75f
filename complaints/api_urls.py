"""The API of every part, in the project's ``api`` namespace (config/api_urls.py)."""

from .apis import challenges, complaints, credit, inquiries, mediation

urlpatterns = [
    *inquiries.urlpatterns, *challenges.urlpatterns, *complaints.urlpatterns,
    *mediation.urlpatterns, *credit.urlpatterns,
]
