"""How often one address may try to register a supplier, on the page and in the API."""

from rest_framework.throttling import AnonRateThrottle

from core.http import client_ip


class RegistrationThrottle(AnonRateThrottle):
    """Anonymous registrations per client address, one allowance for the page and the API.

    The address is core.http.client_ip's, as for audit records and lock-outs:
    X-Forwarded-For counts only as far as TRUSTED_PROXY_COUNT allows, so rotating it
    does not buy a fresh allowance.
    """

    scope = "registration"
    rate = "20/hour"

    def get_ident(self, request):
        return client_ip(request) or ""


def registration_allowed(request) -> bool:
    """Count one attempt from a plain Django request (the HTML page); False past the rate."""
    return RegistrationThrottle().allow_request(request, None)
