import ipaddress

from django.conf import settings


def normalize_ip(value: str | None) -> str | None:
    """A valid IP in its canonical text (what the database stores), else None."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The caller's address: the one answer for audit records, log-in lock-outs (axes)
    and API throttles.

    Each of the TRUSTED_PROXY_COUNT reverse proxies in front of gunicorn appends the
    address it received the request from to X-Forwarded-For, so the N-th entry from
    the right was written by the outermost trusted proxy and is the client; entries
    further left were sent by the client and can say anything. With no trusted proxy
    (the default) the header is ignored and the peer (REMOTE_ADDR) is the client.
    Fewer entries than proxies means the outer ones were bypassed; the left-most was
    still written by a trusted proxy (DRF's NUM_PROXIES reads it the same way).
    """
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        entries = forwarded.split(",")
        ip = normalize_ip(entries[-min(count, len(entries))])
        if ip:
            return ip
    return normalize_ip(request.META.get("REMOTE_ADDR"))


def axes_client_ip(request) -> str:
    """django-axes locks by the same address the audit trail records."""
    return client_ip(request) or ""
