import ipaddress

from django.conf import settings


def normalize_ip(value: str | None) -> str | None:
    """A valid IP in its canonical text (what the database stores), else None."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The caller's address.

    Behind our reverse proxy (USE_X_FORWARDED_FOR), the right-most entry of
    X-Forwarded-For is the one the proxy appended; entries to its left come
    from the client and can be forged.
    """
    if request is None:
        return None
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = normalize_ip(forwarded.split(",")[-1])
            if ip:
                return ip
    return normalize_ip(request.META.get("REMOTE_ADDR"))


def axes_client_ip(request) -> str:
    """django-axes locks by the same address the audit trail records."""
    return client_ip(request) or ""
