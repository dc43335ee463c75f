"""Mediation of contract disputes (春风行动 第29条) through its services: who may ask and
when, each step and its clocks, the settlement that needs both parties, refusals that
change nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from complaints.models import Evidence, Mediation
from complaints.selectors_mediation import mediation_detail, mediations_visible_to
from complaints.services import mediation as services
from complaints.tests import factories_mediation as f
from conftest import org_of
from contracts import services as contracts
from contracts.tests.factories import SIGNED_AT, ContractFactory
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.models import StatusChange
from deadlines.models import Deadline
from notifications.models import Message

pytestmark = pytest.mark.django_db

M = Mediation.Status


@pytest.fixture(autouse=True)
def bureau(finance_org):
    """The finance bureau that mediates (every mediation needs one)."""
    return finance_org


@pytest.fixture
def winner(signed):
    return signed.supplier.memberships.get().user


def clock(mediation, code):
    return Deadline.objects.get(subject_id=str(mediation.pk), clock=code)


def told(mediation, user):
    """How many of the mediation's events reached ``user`` (in the inbox)."""
    return Message.objects.filter(recipient=user, category=services.CATEGORY, channel="inapp",
                                  link=mediation.get_absolute_url()).count()


def test_a_party_requests_and_the_bureau_clock_starts(signed, winner, alice, supervisor):
    mediation = f.request(signed, winner, files=[f.upload("催款函.pdf")])
    assert mediation.number == "TJ-2026-0001"
    assert (mediation.applicant, mediation.respondent) == (signed.supplier, signed.purchaser)
    assert mediation.status == M.REQUESTED
    accept = clock(mediation, "mediation.accept")
    assert accept.organization == org_of(supervisor)
    assert accept.status == "open" and accept.basis == "春风行动 第29条"
    assert mediation.documents.get().role == Evidence.Role.EVIDENCE
    assert told(mediation, alice) == 1 and told(mediation, supervisor) == 1
    assert AuditEvent.objects.filter(action="mediation.request", object_id=str(mediation.pk)
                                     ).exists()
    second = ContractFactory(signed=True, purchaser=signed.purchaser)
    other = f.request(second, alice, applicant=signed.purchaser, subject="acceptance",
                      now=f.REQUESTED_AT + dt.timedelta(hours=1))
    assert other.number == "TJ-2026-0002"
    assert other.respondent == second.supplier


def test_only_a_party_of_the_contract_requests(signed, charlie, supervisor):
    with pytest.raises(PermissionDenied):
        f.request(signed, charlie, applicant=org_of(charlie))
    with pytest.raises(PermissionDenied):  # a party's organisation, but not its staff
        f.request(signed, charlie, applicant=signed.supplier)
    assert not Mediation.objects.exists()
    assert AuditEvent.objects.filter(action="mediation.request_refused").count() == 2


def test_not_before_the_contract_is_signed(awarded, alice):
    draft = ContractFactory(award=awarded, drafted_by=alice, drafted_at=SIGNED_AT)
    with pytest.raises(RuleViolation) as refused:
        f.request(draft, alice, applicant=draft.purchaser)
    assert refused.value.code == "not_signed" and refused.value.basis == "春风行动 第29条"
    assert not Mediation.objects.exists() and not Deadline.objects.filter(
        clock="mediation.accept").exists()


def test_bad_input_changes_nothing(signed, winner):
    with pytest.raises(DomainError) as refused:
        services.mediation_request(contract=signed, applicant=signed.supplier,
                                   subject="late_payment", claim="  ", user=winner,
                                   now=f.REQUESTED_AT)
    assert refused.value.field == "claim"
    with pytest.raises(DomainError) as refused:
        f.request(signed, winner, files=[f.upload("病毒.pdf", b"MZ\x90\x00 not a pdf")])
    assert refused.value.field == "files"
    with pytest.raises(DomainError):
        f.request(signed, winner, subject="weather")
    assert not Mediation.objects.exists() and not Evidence.objects.exists()


def test_one_open_mediation_per_contract(signed, winner, alice):
    first = f.request(signed, winner)
    with pytest.raises(DomainError) as refused:
        f.request(signed, alice, applicant=signed.purchaser)
    assert refused.value.code == "already_open"
    services.mediation_withdraw(mediation=first, user=winner, organization=signed.supplier,
                                now=f.ACCEPTED_AT)
    again = f.request(signed, alice, applicant=signed.purchaser,
                      now=f.ACCEPTED_AT + dt.timedelta(hours=1))
    assert again.number == "TJ-2026-0002"


def test_accept_assigns_a_mediator_of_the_bureau_and_opens_the_conclude_clock(
        signed, winner, supervisor, alice):
    mediation = f.request(signed, winner)
    bureau = org_of(supervisor)
    with pytest.raises(DomainError) as refused:
        services.mediation_accept(mediation=mediation, user=supervisor, organization=bureau,
                                  mediator=alice, now=f.ACCEPTED_AT)
    assert refused.value.code == "bad_mediator"
    with pytest.raises(PermissionDenied):  # a party does not accept its own request
        services.mediation_accept(mediation=mediation, user=alice,
                                  organization=signed.purchaser, mediator=supervisor,
                                  now=f.ACCEPTED_AT)
    mediation = f.accept(mediation, supervisor)
    assert mediation.status == M.ACCEPTED and mediation.mediator == supervisor
    assert clock(mediation, "mediation.accept").status == "met"
    conclude = clock(mediation, "mediation.conclude")
    assert conclude.status == "open" and list(conclude.responsible_users.all()) == [supervisor]
    assert StatusChange.objects.filter(object_id=str(mediation.pk), step="accept").exists()
    assert told(mediation, winner) == 1 and told(mediation, alice) == 2  # + the request
    with pytest.raises(InvalidTransition):
        f.accept(mediation, supervisor)


def test_decline_needs_a_reason_and_meets_the_accept_clock(signed, winner, supervisor):
    mediation = f.request(signed, winner)
    bureau = org_of(supervisor)
    with pytest.raises(DomainError) as refused:
        services.mediation_decline(mediation=mediation, user=supervisor, organization=bureau,
                                   reason="", now=f.ACCEPTED_AT)
    assert refused.value.field == "reason"
    mediation.refresh_from_db()
    assert mediation.status == M.REQUESTED
    services.mediation_decline(mediation=mediation, user=supervisor, organization=bureau,
                               reason="争议已进入诉讼程序，不宜调解。", now=f.ACCEPTED_AT)
    mediation.refresh_from_db()
    assert mediation.status == M.DECLINED and "诉讼" in mediation.outcome_text
    assert clock(mediation, "mediation.accept").status == "met"
    assert not Deadline.objects.filter(clock="mediation.conclude").exists()


def test_sessions_and_opinions_by_the_mediator(signed, winner, supervisor, alice):
    mediation = f.accept(f.request(signed, winner), supervisor)
    bureau = org_of(supervisor)
    now = f.ACCEPTED_AT + dt.timedelta(days=3)
    session = dict(mediation=mediation, user=supervisor, organization=bureau,
                   place="魏都区财政局三楼会议室", attendees="李爱丽（采购人）、张博（供应商）",
                   minutes="双方陈述意见，同意分两期付款。", now=now)
    with pytest.raises(DomainError) as refused:
        services.mediation_session_record(**session, held_at=now + dt.timedelta(days=1))
    assert refused.value.code == "session_in_future"
    with pytest.raises(PermissionDenied):  # a party does not record the mediator's minutes
        services.mediation_session_record(**{**session, "user": alice,
                                             "organization": signed.purchaser},
                                          held_at=now - dt.timedelta(hours=2))
    services.mediation_session_record(**session, held_at=now - dt.timedelta(hours=2))
    opinion = services.mediation_opinion_add(
        mediation=mediation, user=supervisor, organization=bureau, author_kind="lawyer",
        author_name="王律师", text="采购人应按合同约定支付货款及逾期利息。",
        file=f.upload(), now=now)
    assert opinion.file.role == Evidence.Role.OPINION and opinion.file.mediation == mediation
    with pytest.raises(DomainError):
        services.mediation_opinion_add(
            mediation=mediation, user=supervisor, organization=bureau, author_kind="expert",
            author_name="专家", text="意见正文内容", file=f.upload("x.pdf", b"not a pdf"),
            now=now)
    assert mediation.sessions.count() == 1 and mediation.opinions.count() == 1
    assert Evidence.objects.filter(mediation=mediation).count() == 1


def test_settlement_needs_both_parties(signed, winner, supervisor, alice):
    mediation = f.accept(f.request(signed, winner), supervisor)
    bureau = org_of(supervisor)
    now = f.ACCEPTED_AT + dt.timedelta(days=5)
    with pytest.raises(InvalidTransition):  # nothing to confirm yet
        services.mediation_settlement_confirm(mediation=mediation, user=alice,
                                              organization=signed.purchaser, now=now)
    services.mediation_settle(mediation=mediation, user=supervisor, organization=bureau,
                              terms="采购人于十日内支付剩余货款，供应商放弃逾期利息。", now=now)
    mediation = services.mediation_settlement_confirm(
        mediation=mediation, user=alice, organization=signed.purchaser, now=now)
    assert mediation.status == M.ACCEPTED and mediation.respondent_confirmed_at == now
    assert clock(mediation, "mediation.conclude").status == "open"
    with pytest.raises(InvalidTransition):
        services.mediation_settlement_confirm(mediation=mediation, user=alice,
                                              organization=signed.purchaser, now=now)
    with pytest.raises(PermissionDenied):  # the mediator does not confirm for a party
        services.mediation_settlement_confirm(mediation=mediation, user=supervisor,
                                              organization=bureau, now=now)
    mediation = services.mediation_settlement_confirm(
        mediation=mediation, user=winner, organization=signed.supplier,
        now=now + dt.timedelta(hours=1))
    assert mediation.status == M.SETTLED and mediation.concluded_at is not None
    assert clock(mediation, "mediation.conclude").status == "met"
    assert AuditEvent.objects.filter(action="mediation.settlement_confirm").count() == 2


def test_new_terms_or_a_rejection_ask_both_again(signed, winner, supervisor, alice):
    mediation = f.accept(f.request(signed, winner), supervisor)
    bureau = org_of(supervisor)
    now = f.ACCEPTED_AT + dt.timedelta(days=5)
    services.mediation_settle(mediation=mediation, user=supervisor, organization=bureau,
                              terms="第一稿：一次性付清全部货款。", now=now)
    services.mediation_settlement_confirm(mediation=mediation, user=alice,
                                          organization=signed.purchaser, now=now)
    services.mediation_settle(mediation=mediation, user=supervisor, organization=bureau,
                              terms="第二稿：分两期付清全部货款。", now=now)
    mediation.refresh_from_db()
    assert mediation.respondent_confirmed_at is None
    services.mediation_settlement_reject(mediation=mediation, user=winner,
                                         organization=signed.supplier,
                                         reason="分期时间过长，不能接受。", now=now)
    mediation.refresh_from_db()
    assert mediation.settlement_recorded_at is None and mediation.status == M.ACCEPTED
    with pytest.raises(InvalidTransition):
        services.mediation_settlement_confirm(mediation=mediation, user=winner,
                                              organization=signed.supplier, now=now)


def test_withdraw_by_the_applicant_only(signed, winner, supervisor, alice):
    mediation = f.accept(f.request(signed, winner), supervisor)
    with pytest.raises(PermissionDenied):
        services.mediation_withdraw(mediation=mediation, user=alice,
                                    organization=signed.purchaser, now=f.ACCEPTED_AT)
    services.mediation_withdraw(mediation=mediation, user=winner, organization=signed.supplier,
                                reason="双方已自行和解。", now=f.ACCEPTED_AT)
    mediation.refresh_from_db()
    assert mediation.status == M.WITHDRAWN
    assert clock(mediation, "mediation.conclude").status == "met"
    with pytest.raises(InvalidTransition):
        services.mediation_withdraw(mediation=mediation, user=winner,
                                    organization=signed.supplier, now=f.ACCEPTED_AT)


def test_withdraw_before_acceptance_meets_the_accept_clock(signed, winner):
    mediation = f.request(signed, winner)
    services.mediation_withdraw(mediation=mediation, user=winner, organization=signed.supplier,
                                now=f.ACCEPTED_AT)
    assert clock(mediation, "mediation.accept").status == "met"


def test_refer_names_the_body(signed, winner, supervisor):
    mediation = f.accept(f.request(signed, winner), supervisor)
    bureau = org_of(supervisor)
    with pytest.raises(DomainError) as refused:
        services.mediation_refer(mediation=mediation, user=supervisor, organization=bureau,
                                 referred_to="", reason="双方分歧较大。", now=f.ACCEPTED_AT)
    assert refused.value.field == "referred_to"
    services.mediation_refer(mediation=mediation, user=supervisor, organization=bureau,
                             referred_to="许昌仲裁委员会", reason="双方分歧较大，调解不成。",
                             now=f.ACCEPTED_AT)
    mediation.refresh_from_db()
    assert mediation.status == M.REFERRED and mediation.referred_to == "许昌仲裁委员会"
    assert clock(mediation, "mediation.conclude").status == "met"
    assert told(mediation, winner) == 2  # the applicant: accepted, then referred


def test_scoping(signed, winner, charlie, supervisor, alice):
    mediation = f.request(signed, winner)
    assert list(mediations_visible_to(organization=org_of(charlie))) == []
    assert list(mediations_visible_to(organization=signed.purchaser)) == [mediation]
    assert list(mediations_visible_to(organization=org_of(supervisor))) == [mediation]


def test_late_payment_facts_show_the_overdue_invoice(alice, awarded):
    contract = ContractFactory(award=awarded, accepted=True, drafted_by=alice,
                               drafted_at=SIGNED_AT)
    winner = contract.supplier.memberships.get().user
    contracts.invoice_submit(contract=contract, actor=winner, number="FP-001",
                             amount=Decimal("100000.00"), issued_on=SIGNED_AT.date(),
                             file_name="fp.pdf", file_data=f.PDF,
                             now=SIGNED_AT + dt.timedelta(hours=2))
    mediation = f.request(contract, winner)
    detail = mediation_detail(mediation, user=winner, organization=contract.supplier,
                              now=f.REQUESTED_AT)
    assert [row.invoice.number for row in detail.facts.invoices] == ["FP-001"]
    assert len(detail.facts.overdue_clocks) == 1
    assert detail.facts.total_amount == contract.total_amount
