"""Revoking an award after an upheld challenge (94号令 第16条, verify): the next qualified
candidate confirmed, or the lot failed and procured again; refused once both signed."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership
from audit.models import AuditEvent
from contracts.models import Contract
from contracts.selectors import ledger_of
from contracts.tests.factories import ContractFactory, deliver_award_confirmed
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from deadlines.models import Deadline
from deadlines.services import running_deadline
from notifications.models import Message
from procurement import services
from procurement.models import Announcement, Award, Bid, Lot
from procurement.signals import award_revoked
from procurement.tests import factories
from procurement.tests.factories import AWARDED_AT

pytestmark = pytest.mark.django_db

T = AWARDED_AT + dt.timedelta(days=1)
REASON = "质疑成立：中标人业绩证明材料虚假，不符合资格条件。"
BASIS = "质疑ZY-1答复; 94号令 第16条"


def awarded_lot(approved, alice, n):
    """``n`` bidders, the committee's report, the first-ranked (``投标人0``) awarded."""
    factories.announce(approved)
    lot = approved.lots.get()
    bidders = factories.bidders(lot, n)
    lot.refresh_from_db()
    factories.evaluate(lot)
    award = factories.AwardFactory(lot=lot, confirmed_by=alice, confirmed_at=AWARDED_AT)
    deliver_award_confirmed(award)
    return award, bidders


@pytest.fixture
def four(approved, alice):
    return awarded_lot(approved, alice, 4)


@pytest.fixture
def three(approved, alice):
    return awarded_lot(approved, alice, 3)


def deliver(award):
    """``award_revoked`` as after the commit (core.events)."""
    for _receiver, result in award_revoked.send_robust(sender=Award, award=award):
        if isinstance(result, Exception):
            raise result


def revoke(award, alice, **kw):
    kw = {"reason": REASON, "basis": BASIS, "actor": alice,
          "organization": award.lot.project.purchaser, "now": T, **kw}
    return services.award_revoke(award=award, **kw)


def bid_of(lot, name):
    return Bid.objects.get(lot=lot, supplier__name=name)


def test_revoke_then_confirm_the_second_ranked(four, alice, supervisor):
    award, _bidders = four
    lot = award.lot
    revoked = revoke(award, alice)
    lot.refresh_from_db()
    assert revoked.revoked_at == T and revoked.revoked_reason == REASON
    assert revoked.revoked_basis == BASIS and revoked.revoked_by == alice
    assert lot.status == Lot.Status.EVALUATING and lot.project.status == "evaluating"
    assert not hasattr(lot, "award")
    assert bid_of(lot, "投标人0").status == Bid.Status.LOST
    assert {bid_of(lot, f"投标人{i}").status for i in (1, 2, 3)} == {Bid.Status.SCORED}
    # the signing clock ends; a new clock to confirm the next candidate starts
    sign = Deadline.objects.get(clock="contract.sign")
    assert sign.status == Deadline.Status.WAIVED and "撤销" in sign.waive_reason
    assert running_deadline(subject=lot, clock="award.confirm") is not None
    # the public notice of the change, with the statute's fields
    notice = Announcement.objects.get(project=lot.project,
                                      kind=Announcement.Kind.RESULT_CHANGE)
    assert "投标人0" in notice.body and REASON in notice.body and "另行确定" in notice.body
    from procurement.announcements import missing_fields
    assert missing_fields(notice.kind, notice.fields) == []
    assert AuditEvent.objects.filter(action="award.revoke", actor=alice).exists()
    winner0 = bid_of(lot, "投标人0").supplier.memberships.get().user
    assert Message.objects.filter(recipient=winner0, subject__contains="结果变更").exists()
    assert Message.objects.filter(recipient=supervisor, subject__contains="变更报告").exists()

    # the revoked winner and the third-ranked are refused: ranking order (条例 第43条)
    with pytest.raises((RuleViolation, InvalidTransition)):
        services.award_confirm(lot=lot, bid=bid_of(lot, "投标人0"), actor=alice, now=T)
    with pytest.raises(RuleViolation) as refused:
        services.award_confirm(lot=lot, bid=bid_of(lot, "投标人2"), actor=alice, now=T)
    assert refused.value.code == "ranking_order" and "94号令" in refused.value.basis
    second = services.award_confirm(lot=lot, bid=bid_of(lot, "投标人1"), actor=alice, now=T)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.AWARDED and lot.award == second
    assert lot.project.status == "awarded"
    assert bid_of(lot, "投标人1").status == Bid.Status.WON
    assert {bid_of(lot, f"投标人{i}").status for i in (0, 2, 3)} == {Bid.Status.LOST}
    assert Award.objects.filter(lot=lot).count() == 2
    assert running_deadline(subject=second, clock="contract.sign") is not None
    assert running_deadline(subject=lot, clock="award.confirm") is None


def test_revoke_with_retender_fails_the_lot_and_it_is_procured_again(four, alice):
    award, _bidders = four
    revoke(award, alice, then="retender")
    lot = Lot.objects.get(pk=award.lot_id)
    assert lot.status == Lot.Status.FAILED and "重新开展采购活动" in lot.failure_reason
    assert lot.project.status == "failed"
    assert Announcement.objects.filter(project=lot.project, kind="failure").exists()
    assert running_deadline(subject=lot, clock="award.confirm") is None
    new = services.project_retender(project=lot.project, actor=alice, now=T)
    assert new.retender_of == lot.project and new.lots.count() == 1


def test_too_few_qualified_left_fails_the_lot(three, alice):
    """Three qualified, the winner out: two left, fewer than 87号令 第44条's three."""
    award, _bidders = three
    revoke(award, alice)  # asks for the next candidate, but too few are left
    lot = Lot.objects.get(pk=award.lot_id)
    assert lot.status == Lot.Status.FAILED and "不足3家" in lot.failure_reason
    notice = Announcement.objects.get(kind=Announcement.Kind.RESULT_CHANGE)
    assert notice.fields["then"] == "retender"


def test_exclude_keeps_a_disqualified_bidder_out(approved, alice):
    award, _bidders = awarded_lot(approved, alice, 5)
    lot = award.lot
    revoke(award, alice, exclude=[bid_of(lot, "投标人1").pk])
    assert bid_of(lot, "投标人1").status == Bid.Status.LOST
    with pytest.raises(RuleViolation):
        services.award_confirm(lot=lot, bid=bid_of(lot, "投标人1"), actor=alice, now=T)
    services.award_confirm(lot=lot, bid=bid_of(lot, "投标人2"), actor=alice, now=T)


def test_refused_once_both_signed(four, alice):
    award, _bidders = four
    ContractFactory(award=award, signed=True)
    with pytest.raises(RuleViolation) as refused:
        revoke(award, alice)
    assert refused.value.code == "contract_signed" and "94号令" in refused.value.basis
    award.refresh_from_db()
    assert award.revoked_at is None and Lot.objects.get(pk=award.lot_id).status == "awarded"
    assert AuditEvent.objects.filter(action="award.revoke_refused").exists()


def test_the_unsigned_contract_is_voided_and_the_ledger_row_closed(four, alice):
    award, _bidders = four
    contract = ContractFactory(award=award, signing=True)
    revoked = revoke(award, alice)
    deliver(revoked)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.VOID and contract.voided_at == T
    assert REASON in contract.void_reason
    assert AuditEvent.objects.filter(action="contract.void").exists()
    org = award.lot.project.purchaser
    row = ledger_of(organization=org).get(award=award)
    assert row.status == "revoked"
    # nobody drafts or signs for a revoked award any more
    from contracts.services import contract_draft, contract_sign
    with pytest.raises(InvalidTransition):
        contract_sign(contract=contract, actor=alice, organization=org,
                      pdf_sha256=contract.pdf_sha256, now=T)
    from contracts.tests.fixtures import terms
    with pytest.raises(InvalidTransition):
        contract_draft(award=revoked, actor=alice, now=T, **terms())


def test_bad_input_and_twice(four, alice):
    award, _bidders = four
    with pytest.raises(DomainError) as refused:
        revoke(award, alice, reason="不")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        revoke(award, alice, basis="")
    with pytest.raises(DomainError):
        revoke(award, alice, then="later")
    assert Award.objects.get(pk=award.pk).revoked_at is None
    revoke(award, alice)
    with pytest.raises(InvalidTransition):
        revoke(Award.objects.get(pk=award.pk), alice)


def test_only_the_purchaser_or_its_agency(four, alice, bob, supervisor):
    award, bidders = four
    winner = bidders[0].memberships.get().user
    with pytest.raises(PermissionDenied):
        revoke(award, winner, organization=bidders[0])
    with pytest.raises(PermissionDenied):
        revoke(award, supervisor, organization=supervisor.memberships.get().organization)
    agency = factories.OrganizationFactory(name="河南中原招标代理有限公司", kind="agency")
    project = award.lot.project
    project.agency = agency
    project.save(update_fields=["agency"])
    officer = factories.member(agency, Membership.Role.OFFICER)
    revoke(award, officer, organization=agency)
    assert Award.objects.get(pk=award.pk).revoked_at is not None


# --- API and page -----------------------------------------------------------------------

def client_for(user, organization=None):
    client = APIClient()
    client.force_login(user)
    if organization is not None:
        session = client.session
        session["organization_id"] = organization.pk
        session.save()
    return client


def test_api_revokes_and_the_evaluation_offers_the_next(four, alice):
    award, _bidders = four
    url = reverse("api:award-revoke", args=[award.pk])
    api = client_for(alice)
    bad = api.post(url, {"reason": "", "basis": BASIS}, format="json")
    assert bad.status_code == 400
    r = api.post(url, {"reason": REASON, "basis": BASIS, "then": "next"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["revoked_reason"] == REASON and r.json()["lot_status"] == "evaluating"
    again = api.post(url, {"reason": REASON, "basis": BASIS}, format="json")
    assert again.status_code in (400, 409)
    data = api.get(reverse("api:evaluation", args=[award.lot_id])).json()
    assert data["award"] is None and data["revoked_awards"][0]["revoked_reason"] == REASON
    assert len(data["confirmable"]) == 1
    page = api.get(reverse("procurement:evaluation", args=[award.lot_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-testid=\"revoked-awards\"" in html and html.count("confirm-winner") == 1


def test_api_outsiders(four, bob, supervisor):
    award, _bidders = four
    url = reverse("api:award-revoke", args=[award.pk])
    assert client_for(bob).post(url, {"reason": REASON, "basis": BASIS},
                                format="json").status_code == 404
    r = client_for(supervisor).post(url, {"reason": REASON, "basis": BASIS}, format="json")
    assert r.status_code == 403
    assert Award.objects.get(pk=award.pk).revoked_at is None


def test_api_refused_after_signing_says_why(four, alice):
    award, _bidders = four
    ContractFactory(award=award, signed=True)
    r = client_for(alice).post(reverse("api:award-revoke", args=[award.pk]),
                               {"reason": REASON, "basis": BASIS}, format="json")
    assert r.status_code in (400, 409, 422) and "94号令" in r.content.decode()


def test_page_revokes(four, alice, client):
    award, _bidders = four
    client.force_login(alice)
    page = client.get(reverse("procurement:evaluation", args=[award.lot_id]))
    assert "revoke-card" in page.content.decode()
    url = reverse("procurement:award-revoke", args=[award.pk])
    r = client.post(url, {"reason": "", "basis": BASIS, "then": "next"})
    assert r.status_code == 302 and Award.objects.get(pk=award.pk).revoked_at is None
    r = client.post(url, {"reason": REASON, "basis": BASIS, "then": "next"}, follow=True)
    assert r.status_code == 200 and Award.objects.get(pk=award.pk).revoked_at is not None
    assert "revoke-card" not in r.content.decode()
    draft = client.get(reverse("contracts:draft", args=[award.pk]))
    assert draft.status_code == 302 and draft.url == reverse("procurement:evaluation",
                                                             args=[award.lot_id])


def test_page_outsider_404(four, bob, client):
    award, _bidders = four
    client.force_login(bob)
    r = client.post(reverse("procurement:award-revoke", args=[award.pk]),
                    {"reason": REASON, "basis": BASIS, "then": "next"})
    assert r.status_code == 404
