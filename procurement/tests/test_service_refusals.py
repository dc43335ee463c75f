"""Procurement's refusals are recorded by the services themselves (``core.refusals``),
once, whoever called — and a bidder's refusal stays sealed until opening."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, UserFactory
from audit.actions import _LABELS
from audit.models import AuditEvent
from audit.selectors import audit_events_for, refusals
from core.exceptions import DomainError
from procurement import services
from procurement.models import Lot
from procurement.tests.fixtures import DEADLINE, NOW, PDF

pytestmark = pytest.mark.django_db


def _decorated():
    for name in services.__all__:
        action = getattr(getattr(services, name), "refusal_action", None)
        if action:
            yield name, action


def test_every_service_that_refuses_records_under_a_labelled_action():
    actions = dict(_decorated())
    assert actions["bid_submit"] == "bid.refused"
    assert actions["demand_create"] == actions["demand_update"] == "demand.check_refused"
    assert actions["project_create"] == "project.create_refused"
    assert actions["project_approve"] == "project.approve_refused"
    assert actions["project_announce"] == "project.announce_refused"
    assert actions["documents_obtain"] == "documents.obtain_refused"
    assert actions["bid_withdraw"] == "bid.withdraw_refused"
    assert actions["award_confirm"] == "award.confirm_refused"
    for name in ("announcement_clarify", "bid_query_answer", "bid_query_decide", "bid_review",
                 "budget_line_create", "committee_draw", "demand_override_finding",
                 "evaluation_complete", "explanation_request", "intention_publish",
                 "lot_open", "project_assign_assistant", "project_cancel", "project_retender",
                 "project_return", "project_submit", "score_submit"):
        assert name in actions, name
    for name, action in actions.items():
        assert action in _LABELS, (name, action)


@pytest.fixture
def bidding(approved, alice, bob):
    services.project_announce(project=approved, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    return approved.lots.get()


def _over_the_ceiling(lot, bob):
    supplier = bob.memberships.get().organization
    with pytest.raises(DomainError) as exc:
        services.bid_submit(lot=lot, supplier=supplier, user=bob, price=Decimal("590000"),
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                            ip="10.0.0.8", now=NOW + dt.timedelta(days=1))
    return supplier, exc.value


def test_a_refused_bid_is_recorded_once_and_sealed_from_others_until_opening(
        bidding, bob, finance_org):
    supplier, error = _over_the_ceiling(bidding, bob)
    assert error.code == "over_ceiling"
    event = AuditEvent.objects.get(action="bid.refused")  # once
    assert (event.actor, event.organization, event.ip) == (bob, supplier, "10.0.0.8")
    assert event.object_id == str(bidding.pk) and event.object_type.model == "lot"
    assert event.detail["code"] == "over_ceiling" and "第63条" in event.detail["basis"]
    assert not bidding.bids.exists()

    supervisor = UserFactory()
    MembershipFactory(user=supervisor, organization=finance_org, role=Membership.Role.ADMIN)
    # Before opening the finance bureau does not see who was refused; the bidder does.
    assert not audit_events_for(user=supervisor, organization=finance_org).filter(
        pk=event.pk).exists()
    assert not refusals().filter(pk=event.pk).exists()
    assert audit_events_for(user=bob, organization=supplier).filter(pk=event.pk).exists()
    # Once the lot is opened (or failed), it is in the refusal count.
    Lot.objects.filter(pk=bidding.pk).update(status=Lot.Status.OPENED)
    assert refusals().filter(pk=event.pk).exists()


def test_documents_refused_before_they_are_available_are_sealed_too(approved, bob):
    supplier = bob.memberships.get().organization
    with pytest.raises(DomainError):
        services.documents_obtain(project=approved, supplier=supplier, user=bob, now=NOW)
    event = AuditEvent.objects.get(action="documents.obtain_refused")
    assert event.object_type.model == "project" and event.object_id == str(approved.pk)
    assert not refusals().filter(pk=event.pk).exists()  # its lot is not opened


def test_a_refusal_inside_another_service_is_recorded_once_under_the_outer_name(
        project, alice):
    """project_retender calls project_create; only the outer refusal is recorded."""
    with pytest.raises(DomainError):
        services.project_retender(project=project, actor=alice)
    assert list(AuditEvent.objects.filter(action__endswith="refused")
                .values_list("action", flat=True)) == ["project.retender_refused"]


def test_an_approval_refusal_keeps_its_name(project, alice):
    services.project_submit(project=project, actor=alice, now=NOW)
    with pytest.raises(DomainError) as exc:
        services.project_approve(project=project, actor=alice, now=NOW)
    assert exc.value.code == "separation_of_duties"
    event = AuditEvent.objects.get(action="project.approve_refused")
    assert event.actor == alice and event.object_id == str(project.pk)
    project.refresh_from_db()
    assert project.status == "submitted"
