"""Reachability checks for /healthz: database, cache, broker."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

from .models import Heartbeat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> dict:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        probe = folder / f".healthz-{uuid.uuid4().hex}"
        probe.write_text("1")
        probe.unlink()
        return {"ok": True, "transport": "filesystem"}
    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            # The type only: exception text can name hosts and database users.
            error = f"{type(exc).__name__}: {exc}"[:300] if settings.DEBUG else type(exc).__name__
            results[name] = {"ok": False, "error": error}
    healthy = all(r["ok"] for r in results.values())
    # The worker's heartbeat is informative, not a failure: a web node may be
    # healthy while workers restart.
    if results["database"]["ok"]:
        beat = Heartbeat.objects.filter(name="worker").first()
        results["worker"] = {"last_seen": beat.at.isoformat() if beat else None}
    return healthy, results
