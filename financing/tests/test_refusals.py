"""Every refusal of a financing step is on the audit trail once, whoever asked — the
service, a page or the API — recorded by the service itself (``core.refusals``), in the
trail of the organisation that asked. A supplier's refused application never reaches a
bank's trail: without consent the bank learns nothing."""

import pytest

from audit.models import AuditEvent
from audit.selectors import audit_events_for, refusals
from core.exceptions import DomainError, PermissionDenied

from .fixtures import T0, acting, api, apply, save_offer

pytestmark = pytest.mark.django_db


def refused(action):
    return list(AuditEvent.objects.filter(action=action))


def test_a_service_refusal_is_recorded_in_the_suppliers_trail_only(
        signed, offer, icbc, winner_user, supervisor):
    bank, banker = icbc
    with pytest.raises(DomainError):
        apply(signed, offer, winner_user, consent=False)
    [event] = refused("financing.apply_refused")
    assert (event.actor, event.organization) == (winner_user, signed.supplier)
    assert event.detail["code"] == "consent_required"
    assert event.detail["basis"] == "春风行动 第26条"
    assert event in refusals(since=T0.replace(year=2000))
    # The finance bureau sees it; the bank the supplier did not consent to does not.
    assert event in audit_events_for(user=supervisor, organization=acting(supervisor))
    assert event not in audit_events_for(user=banker, organization=bank)
    assert event in audit_events_for(user=winner_user, organization=signed.supplier)


def test_a_page_refusal_is_recorded_once(signed, offer, winner_user, client):
    client.force_login(winner_user)
    response = client.post(f"/financing/contracts/{signed.pk}/apply/",
                           {"offer": offer.pk, "amount": "400000", "consent": "on"})
    assert response.status_code == 400
    [event] = refused("financing.apply_refused")
    assert event.detail["code"] == "over_offer_max"
    assert event.organization == signed.supplier


def test_an_api_refusal_is_recorded_once_in_the_banks_trail(signed, offer, icbc,
                                                           winner_user):
    bank, banker = icbc
    application = apply(signed, offer, winner_user)
    response = api(banker).post(f"/api/financing/applications/{application.pk}/decide/",
                                {"approved": True, "rate": "3.45"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "collection_account_required"
    [event] = refused("financing.decide_refused")
    assert (event.actor, event.organization) == (banker, bank)
    assert event.object_id == str(application.pk)
    assert event.object_type.model_class()._meta.label == "financing.FinancingApplication"


def test_an_offer_refused_to_a_non_bank_is_recorded_for_who_asked(icbc, bob):
    supplier = acting(bob)
    with pytest.raises(PermissionDenied):
        save_offer(supplier, bob)
    [event] = refused("financing.offer_save_refused")
    assert (event.actor, event.organization) == (bob, supplier)
    assert event.detail["code"] == "permission_denied"


def test_a_rating_refused_through_the_api_is_recorded(signed, offer, winner_user):
    application = apply(signed, offer, winner_user)
    response = api(winner_user).post(f"/api/financing/applications/{application.pk}/rate/",
                                     {"rating": 5}, format="json")
    assert response.status_code == 409
    [event] = refused("financing.rate_refused")
    assert event.organization == signed.supplier
