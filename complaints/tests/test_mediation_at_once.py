"""Real concurrent requests (PostgreSQL): a double submit of a mediation request makes one
mediation and a clean refusal; both parties confirming the settlement at the same moment
settle it once."""

import pytest
from django.db import connection  # noqa: F401 — read by the skipif condition
from django.test import Client
from django.urls import reverse

from complaints.models import Mediation
from complaints.services import mediation as services
from complaints.tests import factories_mediation as f
from conftest import org_of
from core.models import StatusChange
from core.tests.concurrency import at_once
from deadlines.models import Deadline
from tests.conftest import restore_reference_data

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'",
                                 reason="real concurrent requests")]


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _reference_data():
    restore_reference_data()


@pytest.mark.parametrize("surface", ["api", "form"])
def test_a_double_submit_makes_one_mediation(signed, finance_org, surface):
    winner = signed.supplier.memberships.get().user

    def api(client):
        return client.post(reverse("api:mediation-list"), {
            "contract": signed.pk, "subject": "late_payment", "claim": f.CLAIM})

    def form(client):
        return client.post(reverse("complaints:mediation-request", args=[signed.pk]), {
            "subject": "late_payment", "claim": f.CLAIM})

    post = api if surface == "api" else form
    first, second = client_for(winner), client_for(winner)
    responses = at_once(lambda: post(first), lambda: post(second))
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code < 500, response.content[:300]
    assert Mediation.objects.filter(contract=signed).count() == 1
    assert Deadline.objects.filter(clock="mediation.accept").count() == 1
    if surface == "api":
        assert sorted(r.status_code for r in responses) == [201, 400]
        assert next(r for r in responses if r.status_code == 400).json()["code"] == \
            "already_open"
    else:
        assert sorted(r.status_code for r in responses) == [302, 400]


def test_both_parties_confirming_at_once_settle_once(signed, alice, supervisor):
    winner = signed.supplier.memberships.get().user
    mediation = f.accept(f.request(signed, winner), supervisor)
    services.mediation_settle(mediation=mediation, user=supervisor,
                              organization=org_of(supervisor), terms="十日内付清全部货款。",
                              now=f.ACCEPTED_AT)
    url = reverse("api:mediation-confirm", args=[mediation.pk])
    purchaser, supplier = client_for(alice), client_for(winner)
    responses = at_once(lambda: purchaser.post(url), lambda: supplier.post(url))
    assert [r.status_code for r in responses] == [200, 200], responses
    mediation.refresh_from_db()
    assert mediation.status == Mediation.Status.SETTLED
    assert StatusChange.objects.filter(object_id=str(mediation.pk), step="settle").count() == 1
