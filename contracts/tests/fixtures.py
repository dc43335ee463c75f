"""An awarded lot and its contract, for the contracts tests (and the browser tests).

``awarded`` and ``signed`` are built by the factories (``contracts.tests.factories``):
the rows the services leave, without running tender → award → signatures for each test.
``award_lot`` is the services' journey from an opened lot to the award, kept for the
tests that are about that journey or what it sets off (the browser journeys, the
ledger's receiver)."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts.tests.factories import SIGNED_AT, ContractFactory, deliver_award_confirmed
from procurement import services as proc
from procurement.models import Bid
from procurement.tests import factories

# Tests import the award's and the signatures' times from here.
from procurement.tests.factories import AWARDED_AT
from procurement.tests.fixtures import pool


def award_lot(lot, alice, now=AWARDED_AT):
    """Review, score, report and confirm the first-ranked bid of an opened lot."""
    pool(5)
    committee = proc.committee_draw(lot=lot, actor=alice, now=now)
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        proc.bid_review(bid=bid, stage="qualification", passed=True, actor=alice, now=now)
        for member in members:  # each member's own verdict
            proc.bid_review(bid=bid, stage="compliance", passed=True, actor=member, now=now)
        for expert in members:
            proc.score_submit(bid=bid, expert=expert, now=now,
                              points={c.pk: Decimal("10") for c in criteria})
    results = proc.evaluation_complete(lot=lot, now=now,
                                       actor=committee.members.get(role="chair").expert)
    return proc.award_confirm(lot=lot, bid=results[0].bid, actor=alice, now=now)


@pytest.fixture
def awarded(opened, alice):
    """The opened lot evaluated and its first-ranked bid (``投标人0``, 500,000 yuan)
    confirmed by alice at ``AWARDED_AT``, as ``award_lot`` leaves it — committee report,
    notice, result announcement, clocks — and its ``award_confirmed`` delivered as after
    the commit (the ledger row, the winner's financing offers)."""
    lot, _bidders = opened
    factories.evaluate(lot, at=AWARDED_AT)
    award = factories.AwardFactory(lot=lot, confirmed_by=alice, confirmed_at=AWARDED_AT)
    deliver_award_confirmed(award)
    return award


def terms(**overrides):
    return {"delivery_place": "许昌市魏都区第一实验学校", "payment_term": 2,
            "payment_term_unit": "workdays", "delivery_deadline": dt.date(2026, 4, 30),
            "payee_name": "投标人0", "payee_bank": "许昌银行魏都支行",
            "payee_account": "6230000000000001", **overrides}


@pytest.fixture
def winner_user(awarded):
    return awarded.bid.supplier.memberships.get().user


@pytest.fixture
def signed(awarded, alice):
    """The awarded lot's contract on ``terms()``, signed by alice and the winner at
    SIGNED_AT (amount 500,000 yuan): the signing clock met, publication and filing
    running. Built by the factory; the signing itself is walked in test_services.py."""
    return ContractFactory(award=awarded, signed=True, drafted_by=alice, drafted_at=SIGNED_AT,
                           **terms())
