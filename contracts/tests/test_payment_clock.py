"""The payment clock starts when the payment conditions are met — the acceptance passed
and the invoice received — at the later of the two (保障中小企业款项支付条例 第9条;
春风行动 第18条). An invoice that arrives before acceptance waits: no clock, so no
false overdue flag."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts import services
from contracts.models import Invoice
from deadlines.models import Deadline
from deadlines.services import deadlines_recompute_provisional, deadlines_sweep
from notifications.models import Message
from procurement.tests.factories import CST
from workdays import services as workday_services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%%EOF\n"


def at(*args):
    return dt.datetime(*args, tzinfo=CST)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workday_services.clear_cache()
    yield
    workday_services.clear_cache()


@pytest.fixture
def supplier_user(signed):
    return signed.supplier.memberships.get().user


def invoice(contract, user, now, number="F1", amount=Decimal("100000")):
    return services.invoice_submit(contract=contract, actor=user, number=number,
                                   amount=amount, issued_on=now.date(), file_name="fp.pdf",
                                   file_data=PDF, now=now)


def accept(contract, alice, user, now):
    request = services.acceptance_request(contract=contract, actor=user, now=now)
    services.acceptance_record(acceptance=request, actor=alice, passed=True, now=now,
                               items_checked="60台计算机", members=["李爱丽", "韩雪"])
    contract.refresh_from_db()
    return contract


def pay_clock(inv):
    return Deadline.objects.filter(clock="payment.after_invoice", subject_id=str(inv.pk))


def test_an_invoice_before_acceptance_waits_and_is_never_flagged_overdue(signed, alice,
                                                                         supplier_user):
    early = invoice(signed, supplier_user, at(2026, 3, 25, 10, 0))
    assert not pay_clock(early).exists()
    told = Message.objects.filter(subject__endswith="收到发票").first()
    assert told and "自验收合格之日起计算" in told.body
    # A week later — well past 2 working days from receipt — nothing is overdue.
    deadlines_sweep(now=at(2026, 4, 3, 10, 0))
    assert not Deadline.objects.filter(clock="payment.after_invoice").exists()
    assert services.late_interest(early, now=at(2026, 4, 3, 10, 0)) == 0

    # Acceptance passes on Tuesday 7 April (Monday 6 April is Qingming): the clock
    # starts then, not at receipt, and runs 2 working days.
    accept(signed, alice, supplier_user, at(2026, 4, 7, 15, 0))
    clock = pay_clock(early).get()
    assert clock.status == "open" and clock.started_at == at(2026, 4, 7, 15, 0)
    assert clock.due_at == at(2026, 4, 9, 23, 59, 59)
    deadlines_sweep(now=at(2026, 4, 9, 12, 0))
    clock.refresh_from_db()
    assert clock.status == "open"
    assert services.late_interest(early, now=at(2026, 4, 9, 12, 0)) == 0


def test_an_invoice_after_acceptance_starts_the_clock_on_receipt(signed, alice,
                                                                 supplier_user):
    accept(signed, alice, supplier_user, at(2026, 3, 25, 10, 0))
    late = invoice(signed, supplier_user, at(2026, 3, 27, 10, 0))  # a Friday
    clock = pay_clock(late).get()
    assert clock.started_at == at(2026, 3, 27, 10, 0)
    assert clock.due_at == at(2026, 3, 31, 23, 59, 59)  # Monday 30, Tuesday 31 March
    deadlines_sweep(now=at(2026, 4, 1, 9, 0))
    clock.refresh_from_db()
    assert clock.status == "overdue"  # a real one: conditions met and not paid


def test_an_invoice_paid_before_acceptance_gets_no_clock_when_acceptance_passes(
        signed, alice, supplier_user):
    paid = invoice(signed, supplier_user, at(2026, 3, 25, 10, 0))
    services.payment_record(contract=signed, actor=alice, invoice=paid,
                            amount=Decimal("100000"), paid_on=dt.date(2026, 3, 26),
                            voucher="PZ-1", now=at(2026, 3, 26, 10, 0))
    owed = invoice(signed, supplier_user, at(2026, 3, 27, 10, 0), number="F2")
    accept(signed, alice, supplier_user, at(2026, 4, 7, 15, 0))
    assert Invoice.objects.get(pk=paid.pk).status == "paid" and not pay_clock(paid).exists()
    assert pay_clock(owed).get().started_at == at(2026, 4, 7, 15, 0)


def test_under_the_national_profile_the_contracts_acceptance_term_is_a_provisional_clock(
        signed, alice, supplier_user, settings):
    """The law leaves the acceptance time to the contract (法 第41条): the contract's 3
    working days are counted on the calendar, provisional in 2027 (not loaded) and
    recomputed when it is."""
    settings.RULE_PROFILE = "national"
    signed.acceptance_term = 3
    signed.save(update_fields=["acceptance_term"])
    request = services.acceptance_request(contract=signed, actor=supplier_user,
                                          now=at(2026, 12, 30, 10, 0))
    clock = Deadline.objects.get(clock="acceptance.organise", subject_id=str(request.pk))
    assert clock.amount == 3 and clock.unit == "workdays" and clock.basis == "法 第41条"
    # Thursday 31 December, Friday 1 and Monday 4 January counted Monday–Friday.
    assert clock.provisional and clock.due_at == at(2027, 1, 4, 23, 59, 59)

    workday_services.calendar_year_load(
        year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    assert deadlines_recompute_provisional(year=2027, now=at(2027, 1, 2, 9, 0)) == 1
    clock.refresh_from_db()
    assert not clock.provisional and clock.due_at == at(2027, 1, 5, 23, 59, 59)
