"""The anonymous registration API is throttled per client address (20 an hour), and the
address is the one core.http.client_ip finds: a client cannot pick a fresh one by
rotating X-Forwarded-For."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RATE = 20  # accounts.throttles.RegistrationThrottle.rate


def _post(client, **headers):
    # An empty body is refused with 400 after the throttle has counted the request:
    # DRF checks throttles before the view validates anything.
    return client.post(reverse("api:supplier-register"), {}, content_type="application/json",
                       **headers).status_code


def test_rotating_x_forwarded_for_does_not_evade_the_throttle(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [_post(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}", REMOTE_ADDR="192.0.2.1")
                for i in range(30)]
    assert statuses[:RATE] == [400] * RATE
    assert statuses[RATE:] == [429] * (30 - RATE)


def test_behind_one_proxy_the_right_most_entry_is_throttled(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # What the client typed to the left of the proxy's entry changes nothing.
    statuses = [_post(client, HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 198.51.100.7", **proxy)
                for i in range(RATE + 1)]
    assert statuses[-1] == 429 and statuses.count(429) == 1
    # Another client behind the same proxy has its own allowance.
    assert _post(client, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy) == 400


def test_the_registration_page_shares_the_allowance_and_saves_nothing_past_it(client, settings):
    from accounts.models import Organization

    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(RATE):
        assert _post(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}") == 400
    before = Organization.objects.count()
    response = client.post(reverse("accounts:supplier-register"), {
        "name": "脚本注册有限公司", "credit_code": "91411000MA44TEST0X", "username": "bot"},
        HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert "一小时后再试" in response.content.decode()
    assert Organization.objects.count() == before
