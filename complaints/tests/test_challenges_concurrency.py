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


def test_a_double_submitted_question_is_asked_once_and_answered_once():
    from complaints.models import Inquiry
    from complaints.services.inquiries import inquiry_answer, inquiry_ask

    from .factories_challenges import user_of

    lot = opened_lot()
    project, supplier = lot.project, lot.bids.first().supplier
    question = "采购文件第三章的技术参数是否允许偏离？"
    results = at_once(*[lambda: inquiry_ask(project=project, supplier=supplier,
                                            user=user_of(supplier), question=question)] * 2)
    assert [outcome(r, "asked") for r in results] == ["asked", "asked"], results
    assert results[0].pk == results[1].pk and Inquiry.objects.count() == 1

    officer = user_of(project.purchaser)
    answers = at_once(*[lambda: inquiry_answer(inquiry=results[0], user=officer,
                                               organization=project.purchaser,
                                               answer="允许偏离，但须在偏离表中逐项说明。")] * 2)
    assert sorted(outcome(r, "answered") for r in answers) == ["answered", "invalid_transition"]
