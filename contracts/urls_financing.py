from django.urls import path  # noqa: F401 — the financing pages come with their views

app_name = "financing"

urlpatterns = []
