import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from contracts import services
from contracts.models import Contract, Payment
from contracts.selectors import ledger_of
from contracts.tests.fixtures import AWARDED_AT, award_lot, terms
from core.exceptions import DomainError
from deadlines.models import Deadline
from notifications.models import Message
from procurement.models import Announcement

pytestmark = pytest.mark.django_db

T0 = AWARDED_AT + dt.timedelta(hours=1)
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def awarded(opened, alice, django_capture_on_commit_callbacks):
    """The awarded lot, its events delivered as after the award's commit (the ledger)."""
    with django_capture_on_commit_callbacks(execute=True):
        return award_lot(opened[0], alice)


def ledger_row(award):
    return ledger_of(organization=award.lot.project.purchaser).get(award=award)


def draft(awarded, alice, **overrides):
    return services.contract_draft(award=awarded, actor=alice, now=T0, **terms(**overrides))


def sign_both(contract, alice, winner_user, now=T0):
    services.contract_sign(contract=contract, actor=alice, organization=contract.purchaser,
                           pdf_sha256=contract.pdf_sha256, now=now)
    return services.contract_sign(contract=contract, actor=winner_user,
                                  organization=contract.supplier,
                                  pdf_sha256=contract.pdf_sha256, now=now)


def accept(contract, alice, winner_user, now=T0):
    """Acceptance passed: the payment conditions the invoice's clock waits for."""
    request = services.acceptance_request(contract=contract, actor=winner_user, now=now)
    services.acceptance_record(acceptance=request, actor=alice, passed=True, now=now,
                               items_checked="60台计算机", members=["李爱丽", "韩雪"])
    contract.refresh_from_db()
    return contract


def clock(code, subject_id=None):
    qs = Deadline.objects.filter(clock=code)
    if subject_id is not None:
        qs = qs.filter(subject_id=str(subject_id))
    return qs.get()


# --- refusals, each citing its rule, nothing saved ----------------------------------

@pytest.mark.parametrize(("overrides", "code", "basis"), [
    ({"charges": [{"kind": "performance_bond", "percent": "5"}]}, "bond_forbidden",
     "春风行动 第19条"),
    ({"charges": [{"kind": "fee", "percent": "1"}]}, "fee_forbidden", "春风行动 第19条"),
    ({"payment_term": 60, "payment_term_unit": "days"}, "payment_term", "春风行动 第18条"),
    ({"advance_percent": Decimal("30")}, "advance_too_low", "春风行动 第13条"),
    ({"special_terms": "甲方在财政资金到位后支付合同款。"}, "funds_condition",
     "保障中小企业款项支付条例"),
])
def test_unlawful_terms_are_refused_with_their_rule(awarded, alice, overrides, code, basis):
    with pytest.raises(DomainError) as exc:
        draft(awarded, alice, **overrides)
    assert exc.value.code == code and basis in exc.value.basis
    assert not Contract.objects.exists()


@override_settings(RULE_PROFILE="national")
def test_the_national_profile_allows_thirty_days_and_a_bond(awarded, alice):
    contract = draft(awarded, alice, payment_term=30, payment_term_unit="days",
                     charges=[{"kind": "performance_bond", "percent": "5"}])
    assert contract.payment_term == 30
    with pytest.raises(DomainError) as exc:  # but not beyond 10 % (条例 第48条)
        draft(awarded, alice, charges=[{"kind": "performance_bond", "percent": "12"}])
    assert "条例 第48条" in exc.value.basis


# --- the whole path ---------------------------------------------------------------------

def test_award_to_payment_with_every_clock_opened_and_met(awarded, alice, winner_user,
                                                         charlie):
    assert ledger_row(awarded).status == "awarded"
    contract = draft(awarded, alice, secret_fields=["unit_prices", "payee"],
                     milestones=[{"title": "到货", "due_date": dt.date(2026, 4, 20)}])
    assert contract.amount == awarded.amount and contract.items[0]["name"] == "台式计算机"
    text = subprocess.run(["pdftotext", contract.pdf.path, "-"], capture_output=True,
                          text=True).stdout
    assert contract.supplier.name in text and "伍拾万" in text and "春风行动 第19条" in text
    assert Message.objects.filter(recipient=winner_user, category="contracts.contract").exists()

    # Signing is bound to the PDF's hash; outsiders cannot sign.
    with pytest.raises(DomainError):
        services.contract_sign(contract=contract, actor=charlie,
                               organization=charlie.memberships.get().organization,
                               pdf_sha256=contract.pdf_sha256, now=T0)
    with pytest.raises(DomainError) as exc:
        services.contract_sign(contract=contract, actor=alice, organization=contract.purchaser,
                               pdf_sha256="0" * 64, now=T0)
    assert exc.value.code == "stale_contract"
    contract = sign_both(contract, alice, winner_user)
    assert contract.status == "signed" and contract.signatures.count() == 2
    assert clock("contract.sign").status == "met"
    publish, filing = clock("contract.publish"), clock("contract.file")
    assert publish.status == filing.status == "open" and publish.basis == "春风行动 第18条"
    with pytest.raises(DomainError):  # signed is final
        draft(awarded, alice)

    notice = services.contract_publish(contract=contract, actor=alice, now=T0)
    assert notice.kind == Announcement.Kind.CONTRACT and "6230000000000001" not in notice.body
    assert "台式计算机" in notice.body and "60台" in notice.body
    assert notice.fields["withheld"] == ["收款账户", "单价"]
    contract.refresh_from_db()
    public = subprocess.run(["pdftotext", contract.public_pdf.path, "-"], capture_output=True,
                            text=True).stdout
    assert "涉及商业秘密" in public and "6230000000000001" not in public
    services.contract_file(contract=contract, actor=alice, now=T0)
    assert clock("contract.publish").status == clock("contract.file").status == "met"

    # Acceptance: requested, failed, rectified, requested again, passed.
    first = services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    assert clock("acceptance.organise", first.pk).status == "open"
    services.acceptance_record(acceptance=first, actor=alice, passed=False, now=T0,
                               items_checked="60台计算机", members=["李爱丽", "韩雪"],
                               report="3台显示器有坏点，需更换")
    contract.refresh_from_db()
    assert contract.status == "rectifying"
    second = services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    with pytest.raises(DomainError):  # two names at least
        services.acceptance_record(acceptance=second, actor=alice, passed=True,
                                   items_checked="60台计算机", members=["李爱丽"], now=T0)
    services.acceptance_record(acceptance=second, actor=alice, passed=True, now=T0,
                               items_checked="60台计算机", members=["李爱丽", "韩雪"])
    assert clock("acceptance.organise", second.pk).status == "met"

    # An invoice dated before the contract was signed is refused by the service itself,
    # whoever calls it, and starts no clock.
    with pytest.raises(DomainError) as exc:
        services.invoice_submit(contract=contract, actor=winner_user, number="No.1900",
                                amount=contract.amount, issued_on=dt.date(1900, 1, 1),
                                file_name="fp.pdf", file_data=PDF, now=T0)
    assert exc.value.code == "before_contract" and exc.value.field == "issued_on"
    assert not contract.invoices.exists()

    # Invoice and payments: partial, then the rest; never more.
    invoice = services.invoice_submit(contract=contract, actor=winner_user, number="No.0001",
                                      amount=contract.amount, issued_on=dt.date(2026, 3, 24),
                                      file_name="fp.pdf", file_data=PDF, now=T0)
    pay_clock = clock("payment.after_invoice", invoice.pk)
    assert pay_clock.status == "open" and pay_clock.basis == "春风行动 第18条"
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=Decimal("200000"), paid_on=dt.date(2026, 3, 24),
                            voucher="PZ-1", now=T0)
    with pytest.raises(DomainError) as exc:
        services.payment_record(contract=contract, actor=alice, invoice=invoice,
                                amount=contract.amount, paid_on=dt.date(2026, 3, 24),
                                voucher="PZ-2", now=T0)
    assert exc.value.code == "overpayment" and exc.value.basis
    assert Payment.objects.count() == 1
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=contract.amount - Decimal("200000"),
                            paid_on=dt.date(2026, 3, 25), voucher="PZ-3",
                            now=T0 + dt.timedelta(days=1))
    contract.refresh_from_db()
    assert contract.status == "paid" and contract.paid_total == contract.amount
    assert clock("payment.after_invoice", invoice.pk).status == "met"
    row = ledger_row(awarded)
    assert (row.status, row.paid_total, row.contract_number) == ("paid", contract.amount,
                                                                contract.number)
    assert row.signed_at and row.published_at and row.filed_at and row.accepted_at


def test_the_database_itself_refuses_paying_more_than_the_contract(awarded, alice):
    contract = draft(awarded, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(
            paid_total=contract.total_amount + Decimal("0.01"))


def test_the_advance_payment_counts_towards_the_amount(awarded, alice, winner_user):
    contract = sign_both(draft(awarded, alice, advance_percent=Decimal("40")), alice,
                         winner_user)
    advance = contract.advance_amount
    assert advance == (contract.amount * Decimal("0.4")).quantize(Decimal("0.01"))
    services.payment_record(contract=contract, actor=alice, amount=advance,
                            paid_on=dt.date(2026, 3, 24), voucher="YF-1", now=T0)
    with pytest.raises(DomainError):  # the advance is paid
        services.payment_record(contract=contract, actor=alice, amount=Decimal("1"),
                                paid_on=dt.date(2026, 3, 24), voucher="YF-2", now=T0)
    invoice = services.invoice_submit(contract=contract, actor=winner_user, number="F1",
                                      amount=contract.amount, issued_on=dt.date(2026, 3, 24),
                                      file_name="fp.pdf", file_data=PDF, now=T0)
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=contract.amount - advance, paid_on=dt.date(2026, 3, 25),
                            voucher="PZ-9", now=T0 + dt.timedelta(days=1))
    contract.refresh_from_db()
    assert contract.status == "paid"
    # Invoiced and paid before any acceptance: the payment conditions were never met,
    # so no payment clock ran (contracts/tests/test_payment_clock.py).
    assert not Deadline.objects.filter(clock="payment.after_invoice",
                                       subject_id=str(invoice.pk)).exists()


def test_supplements_stay_within_ten_percent(awarded, alice, winner_user):
    contract = sign_both(draft(awarded, alice), alice, winner_user)
    cap = contract.amount / 10
    with pytest.raises(DomainError) as exc:
        services.supplement_propose(contract=contract, actor=alice, amount=cap + 1,
                                    reason="增加同型号计算机", now=T0)
    assert "法 第49条" in exc.value.basis
    supplement = services.supplement_propose(contract=contract, actor=alice, amount=cap,
                                             reason="增加同型号计算机6台", now=T0)
    contract.refresh_from_db()
    assert contract.total_amount == contract.amount  # counts once confirmed
    services.supplement_confirm(supplement=supplement, actor=winner_user, now=T0)
    contract.refresh_from_db()
    assert contract.total_amount == contract.amount + cap


def test_a_pending_challenge_suspends_signing_and_pauses_its_clock(awarded, alice,
                                                                    winner_user):
    contract = draft(awarded, alice)
    services.contract_signing_suspend(contract=contract, reason="供应商质疑可能影响中标结果",
                                      now=T0)
    assert clock("contract.sign").paused_at is not None
    with pytest.raises(DomainError) as exc:
        services.contract_sign(contract=contract, actor=winner_user,
                               organization=contract.supplier,
                               pdf_sha256=contract.pdf_sha256, now=T0)
    assert exc.value.code == "signing_suspended" and "条例 第54条" in exc.value.basis
    services.contract_signing_resume(contract=contract, now=T0 + dt.timedelta(days=3))
    contract = sign_both(contract, alice, winner_user, now=T0 + dt.timedelta(days=3))
    assert contract.status == "signed"


def test_late_payment_to_an_sme_shows_its_interest(awarded, alice, winner_user):
    contract = accept(sign_both(draft(awarded, alice), alice, winner_user), alice, winner_user)
    invoice = services.invoice_submit(contract=contract, actor=winner_user, number="F1",
                                      amount=Decimal("100000"), issued_on=dt.date(2026, 3, 24),
                                      file_name="fp.pdf", file_data=PDF, now=T0)
    due = clock("payment.after_invoice", invoice.pk).due_at
    assert services.late_interest(invoice, now=due) == 0
    # Ten days late: 100,000 × 0.05 % × 10 = 500.
    assert services.late_interest(invoice, now=due + dt.timedelta(days=10)) == Decimal("500.00")


def test_a_late_payment_still_owes_the_interest_of_its_late_days(awarded, alice,
                                                                 winner_user):
    contract = accept(sign_both(draft(awarded, alice), alice, winner_user), alice, winner_user)
    invoice = services.invoice_submit(contract=contract, actor=winner_user, number="F2",
                                      amount=Decimal("100000"), issued_on=dt.date(2026, 3, 24),
                                      file_name="fp.pdf", file_data=PDF, now=T0)
    due = clock("payment.after_invoice", invoice.pk).due_at
    # Half paid 4 days late, the rest 10 days late: 50,000 × 0.05 % × (4 + 10) = 350.
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=Decimal("50000"), voucher="L1",
                            paid_on=(due + dt.timedelta(days=4)).date(),
                            now=due + dt.timedelta(days=4))
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=Decimal("50000"), voucher="L2",
                            paid_on=(due + dt.timedelta(days=10)).date(),
                            now=due + dt.timedelta(days=10))
    later = due + dt.timedelta(days=30)
    assert services.late_interest(invoice, now=later) == Decimal("350.00")


def test_only_the_bureau_or_the_purchaser_suspends_signing(awarded, alice, winner_user,
                                                           supervisor, finance_org):
    contract = draft(awarded, alice)
    with pytest.raises(DomainError):
        services.contract_signing_suspend(contract=contract, reason="供应商自行要求暂停签订",
                                          actor=winner_user, organization=contract.supplier,
                                          now=T0)
    services.contract_signing_suspend(contract=contract, reason="财政部门受理投诉，暂停签订",
                                      actor=supervisor, organization=finance_org, now=T0)
    contract.refresh_from_db()
    assert contract.suspended_reason
