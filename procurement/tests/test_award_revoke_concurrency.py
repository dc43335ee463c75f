"""A double-click never revokes an award twice: real concurrent revocations on
PostgreSQL, each thread with its own connection. The lot and the award are locked, so one
revocation is made and the other is refused cleanly — one result change notice."""

import pytest
from django.db import connection

from core.tests.concurrency import at_once, outcome
from procurement import services
from procurement.models import Announcement, Award, Lot
from procurement.tests.factories import LotFactory, staff_of
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks are PostgreSQL's"),
]


def test_two_revocations_at_once_revoke_once():
    restore_reference_data()
    lot = LotFactory(awarded=True, bids=5)
    award = Award.objects.get(lot=lot)
    purchaser = lot.project.purchaser
    officer = staff_of(purchaser)
    results = at_once(*[lambda: services.award_revoke(
        award=award, actor=officer, organization=purchaser, basis="94号令 第16条",
        reason="质疑成立：中标人资格证明材料不实。") for _ in range(2)])
    outcomes = sorted(outcome(r, "revoked") for r in results)
    assert outcomes == ["invalid_transition", "revoked"], outcomes
    assert Award.objects.filter(lot=lot, revoked_at__isnull=False).count() == 1
    assert Announcement.objects.filter(kind=Announcement.Kind.RESULT_CHANGE).count() == 1
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.EVALUATING
