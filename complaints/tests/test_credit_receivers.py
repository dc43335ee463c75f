"""Credit records from the apps below: the purchaser's overdue payment clock, the
acceptance of a contract; a failing receiver never undoes the sender."""

import datetime as dt
from decimal import Decimal

import pytest

from complaints.models import CreditGrade, CreditRecord
from complaints.services import credit
from contracts import services
from contracts.models import Acceptance
from deadlines.models import Deadline
from deadlines.services import deadlines_sweep
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


def accept(contract, alice, user, now, passed=True):
    request = services.acceptance_request(contract=contract, actor=user, now=now)
    return services.acceptance_record(acceptance=request, actor=alice, passed=passed, now=now,
                                      items_checked="60台计算机", members=["李爱丽", "韩雪"],
                                      report="" if passed else "两台计算机无法开机，需更换。")


def test_an_overdue_payment_clock_writes_a_late_payment_record_against_the_purchaser(
        signed, alice, supplier_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accept(signed, alice, supplier_user, at(2026, 3, 25, 10, 0))
    signed.refresh_from_db()
    invoice = services.invoice_submit(contract=signed, actor=supplier_user, number="F1",
                                      amount=Decimal("100000"), issued_on=dt.date(2026, 3, 27),
                                      file_name="fp.pdf", file_data=PDF,
                                      now=at(2026, 3, 27, 10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=at(2026, 4, 1, 9, 0))  # due Tuesday 31 March
    clock = Deadline.objects.get(clock="payment.after_invoice", subject_id=str(invoice.pk))
    assert clock.status == "overdue"
    record = CreditRecord.objects.get(event="late_payment")
    assert record.organization == signed.purchaser and record.points == -5
    assert "保障中小企业款项支付条例" in record.basis and "F1" in record.detail
    assert credit.current_grade(signed.purchaser).score == 95
    # The sweep again (the clock reopened and lapsed, or a redelivery): still one record.
    from complaints.receivers import on_deadline_overdue

    on_deadline_overdue(sender=Deadline, deadline=clock)
    assert CreditRecord.objects.filter(event="late_payment").count() == 1


def test_acceptance_passed_is_good_performance_and_failed_a_breach(
        signed, alice, supplier_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accept(signed, alice, supplier_user, at(2026, 3, 25, 10, 0), passed=False)
    record = CreditRecord.objects.get(organization=signed.supplier)
    assert (record.event, record.points) == ("breach", -10)
    assert credit.current_grade(signed.supplier).score == 90
    with django_capture_on_commit_callbacks(execute=True):
        accept(signed, alice, supplier_user, at(2026, 3, 30, 10, 0))
    assert sorted(CreditRecord.objects.filter(organization=signed.supplier)
                  .values_list("event", flat=True)) == ["breach", "good_performance"]
    assert CreditGrade.objects.filter(organization=signed.supplier).first().score == 92


def test_a_failing_receiver_is_logged_and_never_undoes_the_acceptance(
        signed, alice, supplier_user, django_capture_on_commit_callbacks, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("credit store down")

    monkeypatch.setattr(credit, "credit_record", broken)
    with django_capture_on_commit_callbacks(execute=True):
        acceptance = accept(signed, alice, supplier_user, at(2026, 3, 25, 10, 0))
    assert Acceptance.objects.get(pk=acceptance.pk).result == "passed"
    assert not CreditRecord.objects.exists()
    assert "not written" in caplog.text
