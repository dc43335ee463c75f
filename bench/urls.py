"""``bench.settings``' URLconf: the whole application (config.urls) plus the baselines."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

from .apis import BaselineUploadApi
from .views import publication_baseline

urlpatterns = [
    path("bench/baseline/", BaselineUploadApi.as_view(), name="bench-baseline"),
    path("bench/portal-baseline/<int:pk>/", publication_baseline, name="bench-portal-baseline"),
    *app_urlpatterns,
]
