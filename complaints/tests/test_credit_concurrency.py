"""What may arrive twice at once is written once: real concurrent calls on PostgreSQL,
each thread with its own connection (a redelivered signal, a double-click)."""

import pytest
from django.db import connection

from complaints.models import (
    BadBehaviourListing,
    CreditGrade,
    CreditRecord,
    CreditRepair,
    SpotCheckDraw,
)
from complaints.services import credit as services
from conftest import org_of
from core.tests.concurrency import at_once, outcome
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def test_one_event_received_twice_at_once_writes_one_record_and_one_grade(bob, finance_org):
    restore_reference_data()
    supplier = org_of(bob)
    results = at_once(*[lambda: services.credit_record(
        subject=supplier, event="collusion", source=finance_org,
        detail="两家供应商投标文件由同一单位编制。") for _ in range(2)])
    assert all(isinstance(r, CreditRecord) for r in results), results
    assert results[0].pk == results[1].pk
    assert CreditRecord.objects.count() == 1
    assert BadBehaviourListing.objects.count() == 1
    assert list(CreditGrade.objects.values_list("score", flat=True)) == [60]


def test_a_repair_applied_for_twice_at_once_is_one_application(bob, finance_org):
    restore_reference_data()
    supplier = org_of(bob)
    record = services.credit_record(subject=supplier, event="collusion", source=finance_org,
                                    detail="串通投标。")
    results = at_once(*[lambda: services.credit_repair_apply(
        record=record, user=bob, organization=supplier,
        statement="已完成整改，建立投标文件编制内控制度。") for _ in range(2)])
    assert sorted(outcome(r, "applied") for r in results) == ["applied", "repair_pending"]
    assert CreditRepair.objects.count() == 1


def test_a_period_drawn_twice_at_once_is_drawn_once(supervisor):
    restore_reference_data()
    results = at_once(*[lambda: services.spot_checks_draw(period="2026-Q3", user=supervisor)
                        for _ in range(2)])
    assert sorted(outcome(r, "drawn") for r in results) == ["already_drawn", "drawn"]
    assert SpotCheckDraw.objects.count() == 1
