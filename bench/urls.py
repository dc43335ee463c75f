"""``bench.settings``' URLconf: the whole application (config.urls) plus the baseline."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

from .apis import BaselineUploadApi

urlpatterns = [
    path("bench/baseline/", BaselineUploadApi.as_view(), name="bench-baseline"),
    *app_urlpatterns,
]
