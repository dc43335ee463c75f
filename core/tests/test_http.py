"""The client's address: one function (core.http.client_ip) for the audit trail, the
log-in lock-out and the API throttles, trusting exactly TRUSTED_PROXY_COUNT proxies."""

import pytest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.http import axes_client_ip, client_ip

FORGED_AND_PROXIED = "6.6.6.6, 198.51.100.7, 10.1.2.3"  # client-typed, client, inner proxy's peer


def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    assert axes_client_ip(request) == "203.0.113.9"


def test_with_one_trusted_proxy_the_client_is_the_right_most_entry(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.1.2.3"
    assert axes_client_ip(request) == "10.1.2.3"


def test_with_two_trusted_proxies_the_client_is_the_second_from_the_right(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR=FORGED_AND_PROXIED, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "198.51.100.7"


def test_a_request_without_the_header_behind_a_proxy_is_the_peer(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"


def test_fewer_entries_than_proxies_takes_the_left_most(rf, settings):
    # Only the inner proxy was passed; what it appended is still a trusted proxy's word.
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "198.51.100.7"


def test_a_garbage_entry_falls_back_to_the_peer(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, unknown", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) == "10.0.0.5"


@pytest.mark.parametrize("count", [0, 1, 2])
def test_drf_throttles_identify_the_same_client(rf, settings, count):
    """DRF's own get_ident follows REST_FRAMEWORK["NUM_PROXIES"], which settings set
    from TRUSTED_PROXY_COUNT: any stock throttle agrees with client_ip."""
    settings.TRUSTED_PROXY_COUNT = count
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    request = Request(rf.get("/", HTTP_X_FORWARDED_FOR=FORGED_AND_PROXIED,
                             REMOTE_ADDR="127.0.0.1"))
    assert BaseThrottle().get_ident(request) == client_ip(request)
