"""A double submit never files two challenges, and two suppliers filing at once get two
numbers: real concurrent calls on PostgreSQL, each thread with its own connection."""

import pytest
from django.db import connection

from complaints.models import Challenge
from core.tests.concurrency import at_once, outcome
from procurement.tests.factories import LotFactory
from tests.conftest import restore_reference_data

from .factories_challenges import at, file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="advisory locks are PostgreSQL's"),
]


def opened_lot():
    restore_reference_data()
    return LotFactory(opened=True, bids=3)


def test_a_double_submit_files_one_challenge():
    lot = opened_lot()
    supplier = lot.bids.first().supplier
    results = at_once(*[lambda: file(lot.project, supplier, now=at(2026, 3, 10),
                                     idempotency_key="double-click")] * 2)
    assert [outcome(r, "filed") for r in results] == ["filed", "filed"], results
    assert results[0].pk == results[1].pk
    assert Challenge.objects.count() == 1


def test_two_suppliers_at_once_get_two_numbers():
    lot = opened_lot()
    suppliers = [b.supplier for b in lot.bids.all()[:2]]
    results = at_once(*[lambda s=s: file(lot.project, s, now=at(2026, 3, 10))
                        for s in suppliers])
    assert [outcome(r, "filed") for r in results] == ["filed", "filed"], results
    assert sorted(Challenge.objects.values_list("number", flat=True)) == [
        "ZY-2026-0001", "ZY-2026-0002"]
