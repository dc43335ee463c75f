"""An awarded lot and its contract, for the contracts tests (and the browser tests)."""

import datetime as dt
from decimal import Decimal

import pytest

from procurement import services as proc
from procurement.models import Bid
from procurement.tests.fixtures import DEADLINE, pool

AWARDED_AT = DEADLINE + dt.timedelta(days=1)  # 2026-03-24, a Tuesday
SIGNED_AT = AWARDED_AT + dt.timedelta(hours=1)


def award_lot(lot, alice, now=AWARDED_AT):
    """Review, score, report and confirm the first-ranked bid of an opened lot."""
    pool(5)
    committee = proc.committee_draw(lot=lot, actor=alice, now=now)
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        proc.bid_review(bid=bid, stage="qualification", passed=True, actor=alice, now=now)
        proc.bid_review(bid=bid, stage="compliance", passed=True, actor=members[0], now=now)
        for expert in members:
            proc.score_submit(bid=bid, expert=expert, now=now,
                              points={c.pk: Decimal("10") for c in criteria})
    results = proc.evaluation_complete(lot=lot, now=now,
                                       actor=committee.members.get(role="chair").expert)
    return proc.award_confirm(lot=lot, bid=results[0].bid, actor=alice, now=now)


@pytest.fixture
def awarded(opened, alice):
    lot, _bidders = opened
    return award_lot(lot, alice)


def terms(**overrides):
    return {"delivery_place": "许昌市魏都区第一实验学校", "payment_term": 2,
            "payment_term_unit": "workdays", "delivery_deadline": dt.date(2026, 4, 30),
            "payee_name": "投标人0", "payee_bank": "许昌银行魏都支行",
            "payee_account": "6230000000000001", **overrides}


@pytest.fixture
def winner_user(awarded):
    return awarded.bid.supplier.memberships.get().user


@pytest.fixture
def signed(awarded, alice, winner_user):
    """The awarded lot's contract, signed by both at SIGNED_AT (amount 500,000 yuan)."""
    from contracts import services

    contract = services.contract_draft(award=awarded, actor=alice, now=SIGNED_AT, **terms())
    for actor, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=actor, organization=org,
                                          pdf_sha256=contract.pdf_sha256, now=SIGNED_AT)
    contract.refresh_from_db()
    return contract
