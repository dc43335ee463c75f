"""A double-click or a client's retry never costs a supplier its bid.

Real concurrent requests on PostgreSQL: threads, each with its own connection, post the
same bid at the same moment through the API and through the HTML form. Whatever the
interleaving, the supplier ends with exactly one sealed bid and nobody sees a 500.
"""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from core.tests.concurrency import at_once
from procurement.models import Bid
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row and advisory locks are PostgreSQL's"),
]

PDF = b"%PDF-1.7\n% offer\n%%EOF\n"
PAIRS = 8


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    restore_reference_data()  # the catalogue, flushed by the previous transactional test


def _supplier(n):
    org = SupplierFactory(name=f"并发投标供应商{n}")
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return org, user


def _api(client, lot, key):
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
            "contact_name": "张博", "contact_phone": "13800000001",
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(reverse("api:bid-submit", args=[lot.pk]), data, **headers)


def _form(client, lot, key):
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "on",
            "contact_name": "张博", "contact_phone": "13800000001", "idempotency_key": key,
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}
    return client.post(reverse("procurement:bid-create", args=[lot.pk]), data)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _assert_one_sealed(org, responses):
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code < 500, response.content[:500]
    sealed = Bid.objects.filter(supplier=org, status=Bid.Status.SEALED)
    assert sealed.count() == 1
    return sealed.get()


@pytest.mark.parametrize("surface", ["api", "form"])
def test_a_retried_bid_with_the_same_key_keeps_exactly_one_sealed_bid(live_tender, surface):
    lot = live_tender.lots.get()
    post = _api if surface == "api" else _form
    for n in range(PAIRS):
        org, user = _supplier(n)
        first, second = _client(user), _client(user)
        key = f"retry-{n}"
        responses = at_once(lambda c=first, k=key: post(c, lot, k),
                             lambda c=second, k=key: post(c, lot, k))
        bid = _assert_one_sealed(org, responses)
        # Nothing was withdrawn as "resubmitted": the duplicate is the same bid.
        assert Bid.objects.filter(supplier=org).count() == 1
        if surface == "api":
            ids = {r.json()["id"] for r in responses}
            receipts = {r.json()["receipt_sha256"] for r in responses}
            assert ids == {bid.pk} and receipts == {bid.receipt_sha256}
            assert sorted(r.status_code for r in responses) == [200, 201]
        else:
            for response in responses:
                assert response.status_code == 302
                assert response.url == reverse("procurement:bid-detail", args=[bid.pk])


def test_two_resubmissions_at_once_leave_one_sealed_bid_and_no_error(live_tender):
    lot = live_tender.lots.get()
    for n in range(PAIRS):
        org, user = _supplier(n)
        first, second = _client(user), _client(user)
        responses = at_once(lambda c=first, k=f"a-{n}": _api(c, lot, k),
                             lambda c=second, k=f"b-{n}": _api(c, lot, k))
        bid = _assert_one_sealed(org, responses)
        assert all(r.status_code == 201 for r in responses)
        # The later one replaced the earlier, which is withdrawn, not lost silently.
        assert Bid.objects.filter(supplier=org, status=Bid.Status.WITHDRAWN).count() == 1
        assert bid.idempotency_key in {f"a-{n}", f"b-{n}"}


def test_a_resubmission_that_fails_leaves_the_earlier_bid_sealed(live_tender):
    lot = live_tender.lots.get()
    org, user = _supplier(0)
    client = _client(user)
    assert _api(client, lot, "first").status_code == 201
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
            "contact_name": "张博", "contact_phone": "13800000001",
            "files": [SimpleUploadedFile("offer.exe", b"MZ\x90\x00not a document")]}
    refused = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                          HTTP_IDEMPOTENCY_KEY="second")
    assert refused.status_code == 400
    bid = Bid.objects.get(supplier=org)
    assert bid.status == Bid.Status.SEALED and bid.idempotency_key == "first"


def test_a_replay_after_a_deliberate_withdrawal_does_not_reseal_the_bid(live_tender, bob):
    from procurement import services

    lot = live_tender.lots.get()
    client = _client(bob)
    assert _api(client, lot, "k-1").status_code == 201
    services.bid_withdraw(bid=Bid.objects.get(idempotency_key="k-1"), user=bob)
    again = _api(client, lot, "k-1")
    assert again.status_code == 200 and again.json()["status"] == "withdrawn"
    assert not Bid.objects.filter(status=Bid.Status.SEALED).exists()
