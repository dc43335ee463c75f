import pytest
from django.urls import reverse

from core.services import heartbeat_record


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) >= {"database", "cache", "broker", "worker"}
    assert all(data["checks"][k]["ok"] for k in ("database", "cache", "broker"))


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "down"
    assert data["checks"]["broker"]["ok"] is False
    assert data["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }}
    from django.core.cache import caches

    caches._settings = None  # re-read CACHES
    try:
        if hasattr(caches._connections, "default"):
            del caches._connections.default
    except AttributeError:
        pass
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_healthz_shows_the_worker_heartbeat(client):
    heartbeat_record(name="worker", hostname="w1")
    data = client.get(reverse("healthz")).json()
    assert data["checks"]["worker"]["last_seen"] is not None
