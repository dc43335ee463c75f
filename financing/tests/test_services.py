"""Contract financing through its services (春风行动 第26条): the supplier applies to one
bank with its consent; that bank decides, disburses on a schedule and records the
repayments; payments go to the collection account while the loan is live; the supplier
rates the service. Refusals change nothing (and are recorded: ``test_refusals``)."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from contracts import services as contract_services
from contracts.selectors import collection_account
from contracts.tests.fixtures import terms
from core.exceptions import DomainError, InvalidTransition, PermissionDenied
from financing import services
from financing.models import FinancingApplication, Repayment
from notifications.models import Message

from .fixtures import (
    ACCOUNT,
    SCHEDULE,
    T0,
    S,
    acting,
    apply,
    approve,
    save_offer,
    state,
)

pytestmark = pytest.mark.django_db


def test_application_to_repaid_and_rated_through_the_services(signed, offer, icbc, ccb,
                                                              winner_user, alice):
    contract = signed
    bank, banker = icbc
    assert collection_account(contract) == contract.payee_account

    application = apply(contract, offer, winner_user)
    assert (application.status, application.bank, application.consent_by) == (
        S.APPLIED, bank, winner_user)
    told = Message.objects.get(recipient=banker, category="contracts.financing",
                               channel="inapp")
    assert told.link == f"/financing/bank/{application.pk}/"
    assert not Message.objects.filter(recipient=ccb[1]).exists()
    with pytest.raises(InvalidTransition) as exc:  # one live application per contract
        apply(contract, offer, winner_user, amount="1000")
    assert exc.value.code == "financing_live"
    with pytest.raises(PermissionDenied):  # another bank's staff cannot decide
        approve(application, ccb[1])

    approve(application, banker)
    application.refresh_from_db()
    assert (application.status, application.collection_account) == (S.APPROVED, ACCOUNT)
    assert collection_account(contract) == ACCOUNT
    assert Message.objects.filter(recipient=alice, category="contracts.payment",
                                  body__contains=ACCOUNT).exists()

    # The purchaser now pays into the collection account, and nowhere else.
    invoice = contract_services.invoice_submit(
        contract=contract, actor=winner_user, number="F1", amount=Decimal("100000"),
        issued_on=dt.date(2026, 3, 24), file_name="fp.pdf", file_data=b"%PDF-1.7\n%%EOF\n",
        now=T0)
    with pytest.raises(DomainError) as exc:
        contract_services.payment_record(contract=contract, actor=alice, invoice=invoice,
                                         amount=Decimal("1000"), paid_on=dt.date(2026, 3, 24),
                                         voucher="PZ-1", payee_account=contract.payee_account,
                                         now=T0)
    assert exc.value.code == "wrong_account"
    assert not contract.payments.exists()
    payment = contract_services.payment_record(
        contract=contract, actor=alice, invoice=invoice, amount=Decimal("1000"),
        paid_on=dt.date(2026, 3, 24), voucher="PZ-2", now=T0)
    assert payment.payee_account == ACCOUNT

    disbursed_at = T0 + dt.timedelta(days=2)
    services.financing_disburse(application=application, bank=acting(banker), actor=banker,
                                amount=Decimal("300000"), at=disbursed_at,
                                schedule=SCHEDULE, now=disbursed_at)
    application.refresh_from_db()
    assert (application.status, application.disbursed_amount) == (S.DISBURSED,
                                                                  Decimal("300000"))
    repayments = list(application.repayments.all())
    assert [(r.due_date, r.amount) for r in repayments] == [
        (row["due_date"], row["amount"]) for row in SCHEDULE]

    for i, repayment in enumerate(repayments):
        services.financing_repay(repayment=repayment, bank=acting(banker), actor=banker,
                                 now=disbursed_at + dt.timedelta(days=90 * (i + 1)))
        application.refresh_from_db()
        assert application.status == (S.REPAID if i == 2 else S.DISBURSED)
        repayment.refresh_from_db()
        assert repayment.recorded_by == banker
    with pytest.raises(InvalidTransition):
        services.financing_repay(repayment=repayments[0], bank=acting(banker),
                                 actor=banker)
    # Repaid: the contract is paid into its own account again.
    assert collection_account(contract) == contract.payee_account

    with pytest.raises(PermissionDenied):  # the bank does not rate itself
        services.financing_rate(application=application, supplier=acting(banker),
                                actor=banker, rating=5)
    services.financing_rate(application=application, supplier=acting(winner_user),
                            actor=winner_user, rating=4, comment="放款快", now=T0)
    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (4, "放款快")
    with pytest.raises(InvalidTransition):
        services.financing_rate(application=application, supplier=acting(winner_user),
                                actor=winner_user, rating=5)
    done = AuditEvent.objects.filter(action__startswith="financing.").exclude(
        action="financing.offer").order_by("id").values_list("action", flat=True)
    assert [a for a in done if not a.endswith("_refused")] == [
        "financing.apply", "financing.decide", "financing.disburse", "financing.repay",
        "financing.repay", "financing.repay", "financing.rate"]
    # Each refusal above is on the record too, once (core.refusals).
    assert [a for a in done if a.endswith("_refused")] == [
        "financing.apply_refused", "financing.decide_refused", "financing.repay_refused",
        "financing.rate_refused", "financing.rate_refused"]
    # A repaid loan frees the contract for another application.
    assert apply(contract, offer, winner_user, amount="1000").status == S.APPLIED


def test_a_refusal_with_its_reason_lets_the_supplier_apply_elsewhere(
        signed, offer, icbc, ccb, ccb_offer, winner_user):
    application = apply(signed, offer, winner_user)
    services.financing_decide(application=application, bank=icbc[0], actor=icbc[1],
                              approved=False,
                              reason="经营年限不足一年", now=T0)
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (S.REFUSED, "经营年限不足一年")
    assert Message.objects.filter(recipient=winner_user, category="contracts.financing",
                                  body__contains="经营年限不足一年").exists()
    assert collection_account(signed) == signed.payee_account
    assert apply(signed, ccb_offer, winner_user, amount="100000").bank == ccb[0]


# --- refusals change nothing ---------------------------------------------------------------

def test_applying_without_consent_or_above_the_offer_changes_nothing(signed, offer,
                                                                    winner_user, charlie):
    withdrawn = save_offer(offer.bank, offer.bank.memberships.get().user, name="旧产品",
                           is_active=False)
    before = state()
    with pytest.raises(DomainError) as exc:
        apply(signed, offer, winner_user, consent=False)
    assert exc.value.code == "consent_required" and exc.value.field == "consent"
    with pytest.raises(DomainError) as exc:  # 70 % of 500,000 is 350,000
        apply(signed, offer, winner_user, amount="350000.01")
    assert exc.value.code == "over_offer_max" and "350,000.00" in str(exc.value)
    with pytest.raises(PermissionDenied):  # only the supplier applies
        apply(signed, offer, charlie)
    with pytest.raises(DomainError) as exc:  # a withdrawn offer
        apply(signed, withdrawn, winner_user)
    assert exc.value.code == "no_offer"
    assert state() == before
    assert apply(signed, offer, winner_user, amount="350000").amount == Decimal("350000")


def test_an_unsigned_contract_is_not_financed(awarded, alice, offer, winner_user):
    contract = contract_services.contract_draft(award=awarded, actor=alice, now=T0, **terms())
    with pytest.raises(InvalidTransition) as exc:
        apply(contract, offer, winner_user)
    assert exc.value.code == "unsigned"


def test_decisions_without_what_they_need_change_nothing(signed, offer, icbc, winner_user):
    banker = icbc[1]
    application = apply(signed, offer, winner_user)
    before = state()
    with pytest.raises(DomainError) as exc:
        approve(application, banker, account="  ")
    assert exc.value.code == "collection_account_required"
    with pytest.raises(DomainError) as exc:
        services.financing_decide(application=application, bank=acting(banker),
                                  actor=banker, approved=False, reason=" ", now=T0)
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        approve(application, banker, approved_amount=Decimal("300000.01"))
    assert exc.value.code == "over_asked"
    with pytest.raises(DomainError) as exc:
        approve(application, banker, rate=None)
    assert exc.value.code == "rate_required"
    assert state() == before
    assert collection_account(signed) == signed.payee_account

    approve(application, banker)
    before = state()
    for schedule, code in [
        ([], "schedule_required"),
        (SCHEDULE[:2], "schedule_mismatch"),
        ([{"due_date": dt.date(2026, 3, 1), "amount": Decimal("300000")}],
         "schedule_invalid"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.financing_disburse(application=application, bank=acting(banker),
                                        actor=banker, amount=Decimal("300000"), at=T0,
                                        schedule=schedule, now=T0)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        services.financing_disburse(application=application, bank=acting(banker),
                                    actor=banker, amount=Decimal("300000.01"), at=T0,
                                    schedule=SCHEDULE, now=T0)
    assert exc.value.code == "over_approved"
    with pytest.raises(InvalidTransition):  # nothing to rate before the money is out
        services.financing_rate(application=application, supplier=acting(winner_user),
                                actor=winner_user, rating=5)
    assert state() == before


def test_offers_are_managed_by_their_bank_only(icbc, ccb, bob):
    bank, banker = icbc
    offer = save_offer(bank, banker)
    with pytest.raises(PermissionDenied):
        save_offer(ccb[0], ccb[1], offer=offer)
    with pytest.raises(PermissionDenied):
        save_offer(bank, ccb[1])
    with pytest.raises(PermissionDenied):  # a supplier is no bank
        save_offer(bob.memberships.get().organization, bob)
    with pytest.raises(DomainError):
        save_offer(bank, banker, percent="120")
    save_offer(bank, banker, name="政采贷（新）", offer=offer, is_active=False)
    offer.refresh_from_db()
    assert (offer.name, offer.is_active) == ("政采贷（新）", False)
    assert AuditEvent.objects.filter(action="financing.offer").count() == 2


def test_the_database_refuses_half_decisions_and_unattributed_repayments(signed, offer, icbc,
                                                                        winner_user):
    """What the services never write, the database refuses too (a second write path, a
    shell or an admin action cannot leave a half-made decision)."""
    from django.db import IntegrityError, transaction

    _bank, banker = icbc
    application = apply(signed, offer, winner_user)
    half_made = [
        {"status": S.APPROVED},  # no decider, amount, rate or account
        {"status": S.APPROVED, "decided_by": banker, "decided_at": T0,
         "approved_amount": Decimal("300000"), "rate": Decimal("3.45")},  # no account
        {"status": S.APPROVED, "decided_by": banker, "decided_at": T0,
         "approved_amount": Decimal("300001"), "rate": Decimal("3.45"),
         "collection_account": ACCOUNT},  # more than asked
        {"status": S.REFUSED, "decided_by": banker, "decided_at": T0},  # no reason
    ]
    for values in half_made:
        with pytest.raises(IntegrityError), transaction.atomic():
            FinancingApplication.objects.filter(pk=application.pk).update(**values)
    approve(application, banker)
    with pytest.raises(IntegrityError), transaction.atomic():  # disbursed: when, how much
        FinancingApplication.objects.filter(pk=application.pk).update(status=S.DISBURSED)
    with pytest.raises(IntegrityError), transaction.atomic():  # never more than approved
        FinancingApplication.objects.filter(pk=application.pk).update(
            status=S.DISBURSED, disbursed_at=T0, disbursed_amount=Decimal("300000.01"))
    services.financing_disburse(application=application, bank=acting(banker), actor=banker,
                                amount=Decimal("300000"), at=T0, schedule=SCHEDULE,
                                now=T0)
    repayment = application.repayments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.filter(pk=repayment.pk).update(paid_at=T0)
    application.refresh_from_db()
    assert application.status == S.DISBURSED
    assert not Repayment.objects.filter(paid_at__isnull=False).exists()
