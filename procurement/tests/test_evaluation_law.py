"""Evaluation as the law has it (issue #12): a bid above the budget is invalid
(87号令 第63条); bidders of the same brand count as one toward the minimum (第31条);
each member's compliance verdict is kept and the committee follows the majority, the
dissent recorded with its reasons (第61条); equal score and price is a tie settled as
the documents say or by a recorded draw (第56、57条)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from core.exceptions import DomainError
from procurement import scoring, services
from procurement.models import Bid, Committee, Demand, EvaluationResult, Lot, Review
from procurement.selectors import bid_outcome
from procurement.tests import factories
from procurement.tests.fixtures import DEADLINE, pool

pytestmark = pytest.mark.django_db


def _lot(approved, n=4, bid_extra=None):
    factories.announce(approved)
    lot = approved.lots.get()
    orgs = []
    for i in range(n):
        org = factories.SupplierFactory(name=f"投标人{i}")
        factories.member(org, "admin")
        factories.BidFactory(lot=lot, supplier=org, amount=Decimal("500000") + i,
                             extra=(bid_extra or {}).get(i, {}))
        orgs.append(org)
    factories.open_bids(lot)
    lot.refresh_from_db()
    return lot


def _draw(lot, alice):
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    members = [m.expert for m in committee.members.all()]
    chair = committee.members.get(role="chair").expert
    return committee, members, chair


def _qualify(lot, alice):
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)


def _comply(lot, members, verdicts=None):
    """Each member's own verdict: ``verdicts`` maps a supplier name to the number of
    members (first ones) failing it."""
    verdicts = verdicts or {}
    for bid in Bid.objects.filter(lot=lot, status="opened").select_related("supplier"):
        failing = verdicts.get(bid.supplier.name, 0)
        for i, member in enumerate(members):
            ok = i >= failing
            services.bid_review(bid=bid, stage="compliance", passed=ok, actor=member,
                                reason="" if ok else f"专家{i}：技术参数第3项不满足")


def _score(lot, members, points=None):
    """Every member's points: 10 on each factor, or ``points[name]`` = (technical,
    commercial)."""
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot, status="opened").select_related("supplier"):
        technical, commercial = (points or {}).get(bid.supplier.name, (10, 10))
        for member in members:
            services.score_submit(bid=bid, expert=member, points={
                c.pk: Decimal(technical if c.kind == "technical" else commercial)
                for c in criteria})


# --- 87号令 第63条: above the budget ---------------------------------------------------

def test_a_bid_above_the_budget_is_invalid_without_a_ceiling(approved, alice):
    lot = _lot(approved)
    Lot.objects.filter(pk=lot.pk).update(ceiling_price=None, budget=Decimal("500002"))
    lot.refresh_from_db()
    committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    _comply(lot, members)
    _score(lot, members)
    dear = Bid.objects.get(lot=lot, supplier__name="投标人3")  # 500,003 > 500,002
    verdict = services.bid_verdicts(dear)["compliance"]
    assert verdict.passed is False and "87号令 第63条" in verdict.reason
    assert "采购预算" in verdict.reason
    results = services.evaluation_complete(lot=lot, actor=chair)
    assert dear.pk not in {r.bid_id for r in results}
    dear.refresh_from_db()
    assert dear.status == "rejected"
    committee.refresh_from_db()
    assert [f["supplier"] for f in committee.report["invalid"]] == ["投标人3"]
    assert "87号令 第63条" in committee.report["invalid"][0]["basis"]
    # Once the result is out the bidder reads the reason.
    Lot.objects.filter(pk=lot.pk).update(status="awarded")
    outcome = bid_outcome(Bid.objects.get(pk=dear.pk))
    assert any("第63条" in r.reason for r in outcome["reviews"] if not r.passed)


def test_the_ceiling_price_is_the_limit_when_set_and_a_confirmed_correction_counts(
        approved, alice):
    lot = _lot(approved)
    bid = Bid.objects.get(lot=lot, supplier__name="投标人0")
    assert services.bid_verdicts(bid)["compliance"].passed is None  # no verdicts yet
    # A confirmed price correction (87号令 第59条) sets the price the limit applies to.
    Bid.objects.filter(pk=bid.pk).update(price=Decimal("590000"))
    verdict = services.bid_verdicts(Bid.objects.get(pk=bid.pk))["compliance"]
    assert verdict.passed is False and "最高限价" in verdict.reason


# --- 87号令 第31条: the same brand counts once ------------------------------------------

def test_the_same_brand_counts_as_one_toward_the_minimum(approved, alice):
    lot = _lot(approved, n=3, bid_extra={0: {"brand": "联想"}, 1: {"brand": " 联想 "}})
    _committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    _comply(lot, members)
    _score(lot, members)
    assert services.evaluation_complete(lot=lot, actor=chair) == []
    lot.refresh_from_db()
    assert lot.status == "failed"
    assert "87号令 第31条" in lot.failure_reason and "计为一家" in lot.failure_reason
    assert not EvaluationResult.objects.filter(bid__lot=lot).exists()


def test_bidders_counted_is_pure_arithmetic():
    assert scoring.bidders_counted({"a": "联想", "b": "联想", "c": "", "d": "戴尔"}) == 3
    assert scoring.bidders_counted({"a": "", "b": ""}) == 2
    assert scoring.bidders_counted({"a": "Lenovo", "b": "lenovo "}) == 1


# --- 87号令 第61条: each member's verdict, the majority, the dissent --------------------

def test_each_members_verdict_is_kept_and_the_majority_decides(approved, alice):
    lot = _lot(approved)
    committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    # Two of five fail 投标人1: it passes, with two dissents; three fail 投标人2: it fails.
    _comply(lot, members, {"投标人1": 2, "投标人2": 3})
    one = Bid.objects.get(lot=lot, supplier__name="投标人1")
    two = Bid.objects.get(lot=lot, supplier__name="投标人2")
    assert Review.objects.filter(bid=one, stage="compliance").count() == 5
    v1, v2 = services.bid_verdicts(one)["compliance"], services.bid_verdicts(two)["compliance"]
    assert v1.passed is True and len(v1.dissent) == 2
    assert v2.passed is False and "专家0" in v2.reason and len(v2.dissent) == 2
    _score(lot, members)
    results = services.evaluation_complete(lot=lot, actor=chair)
    assert {r.bid.supplier.name for r in results} == {"投标人0", "投标人1", "投标人3"}
    committee.refresh_from_db()
    dissents = committee.report["dissents"]
    assert len(dissents) == 4 and "87号令 第61条" in committee.report["majority_basis"]
    assert {d["supplier"] for d in dissents if not d["passed"]} == {"投标人1"}
    assert all(d["reason"] for d in dissents if not d["passed"])
    report = AuditEvent.objects.get(action="evaluation.report")
    assert len(report.detail["dissents"]) == 4
    # The report shows the dissent with its reasons, on the organiser's page.
    client = Client()
    client.force_login(alice)
    body = client.get(reverse("procurement:evaluation", args=[lot.pk])).content.decode()
    assert 'data-testid="dissents"' in body and "专家0：技术参数第3项不满足" in body


def test_the_report_waits_for_every_members_verdict(approved, alice):
    lot = _lot(approved)
    committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    _comply(lot, members[:4])
    _score(lot, members)
    with pytest.raises(DomainError) as exc:
        services.evaluation_complete(lot=lot, actor=chair)
    assert exc.value.code == "reviews_incomplete"
    assert Committee.objects.get(pk=committee.pk).report_at is None
    # A member changes their own verdict; the others' stay.
    bid = Bid.objects.filter(lot=lot).first()
    services.bid_review(bid=bid, stage="compliance", passed=False, reason="资质证书过期",
                        actor=members[0])
    assert Review.objects.filter(bid=bid, stage="compliance").count() == 4
    assert Review.objects.get(bid=bid, reviewer=members[0]).reason == "资质证书过期"


def test_the_member_sees_their_own_verdict_and_the_chair_everyones(approved, alice):
    lot = _lot(approved)
    _committee, members, chair = _draw(lot, alice)
    other = next(m for m in members if m != chair)
    bid = Bid.objects.filter(lot=lot).first()
    services.bid_review(bid=bid, stage="compliance", passed=False, reason="缺少检测报告",
                        actor=other)
    client = Client()
    client.force_login(other)
    data = client.get(reverse("api:evaluation", args=[lot.pk])).json()
    row = next(b for b in data["bids"] if b["id"] == bid.pk)
    assert row["my_review"]["reason"] == "缺少检测报告" and row["votes"] == []
    compliance = next(r for r in row["reviews"] if r["stage"] == "compliance")
    assert compliance["passed"] is None and compliance["verdicts_given"] == 1
    client.force_login(chair)
    row = next(b for b in client.get(reverse("api:evaluation", args=[lot.pk])).json()["bids"]
               if b["id"] == bid.pk)
    assert row["my_review"] is None and [v["reason"] for v in row["votes"]] == ["缺少检测报告"]


def test_majority_is_pure_arithmetic():
    votes = [scoring.Vote("a", True), scoring.Vote("b", False, "x"), scoring.Vote("c", True)]
    assert scoring.majority(votes, 5).passed is None
    verdict = scoring.majority(votes, 3)
    assert verdict.passed is True and [v.member for v in verdict.dissent] == ["b"]
    verdict = scoring.majority([*votes[:2], scoring.Vote("c", False, "y")], 3)
    assert verdict.passed is False and verdict.reasons == ("x", "y")


# --- 87号令 第56、57条: ties ------------------------------------------------------------

D = Decimal


def test_a_tie_is_settled_by_a_draw_reproducible_from_its_seed():
    offers = [scoring.Offer(k, D("100000"), other_scores=D("50")) for k in "abcd"]
    orders = {tuple(r.key for r in scoring.evaluate(offers, scoring=True, seed=s))
              for s in range(20)}
    assert len(orders) > 1  # the draw decides, not the key or the order given
    again = [r.key for r in scoring.evaluate(list(reversed(offers)), scoring=True, seed=5)]
    assert again == [r.key for r in scoring.evaluate(offers, scoring=True, seed=5)]
    ranked = scoring.evaluate(offers, scoring=True, seed=5)
    assert all(r.tied and r.drawn for r in ranked) and [r.rank for r in ranked] == [1, 2, 3, 4]
    assert "seed 5" in ranked[0].notes[-1] and "第56、57条" in ranked[0].notes[-1]
    with pytest.raises(ValueError):  # a tie is never settled without a recorded draw
        scoring.evaluate(offers, scoring=True)


def test_the_documents_can_rank_a_tie_by_the_technical_score():
    # Equal total and price; d has the better technical part, c the better commercial.
    offers = [scoring.Offer("c", D("100000"), other_scores=D("60"), technical=D("40")),
              scoring.Offer("d", D("100000"), other_scores=D("60"), technical=D("45"))]
    for seed in range(10):
        ranked = scoring.evaluate(offers, scoring=True, tie_break=scoring.TIE_TECHNICAL,
                                  seed=seed)
        assert [r.key for r in ranked] == ["d", "c"]
        assert all(r.tied and not r.drawn for r in ranked)
        assert "technical" in ranked[0].notes[-1]
    # Equal technical parts too: the draw settles what the documents' rule leaves.
    same = [scoring.Offer(k, D("100000"), other_scores=D("60"), technical=D("40"))
            for k in "cd"]
    ranked = scoring.evaluate(same, scoring=True, tie_break=scoring.TIE_TECHNICAL, seed=1)
    assert all(r.tied and r.drawn for r in ranked)


def test_lowest_price_ties_on_equal_price():
    offers = [scoring.Offer("x", D("100")), scoring.Offer("y", D("100")),
              scoring.Offer("z", D("90"))]
    ranked = scoring.evaluate(offers, scoring=False, seed=3)
    assert ranked[0].key == "z" and not ranked[0].tied
    assert {r.key for r in ranked[1:]} == {"x", "y"} and all(r.tied for r in ranked[1:])


def test_the_committee_records_the_draw_of_a_tie(approved, alice):
    lot = _lot(approved, n=3)
    Bid.objects.filter(lot=lot).update(price=Decimal("500000"))  # all three equal
    committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    _comply(lot, members)
    _score(lot, members)
    results = services.evaluation_complete(lot=lot, actor=chair)
    assert all(r.tied for r in results) and [r.rank for r in results] == [1, 2, 3]
    committee.refresh_from_db()
    seed = int(committee.report["ties"]["seed"])
    assert AuditEvent.objects.get(action="evaluation.report").detail["ties"]["seed"] == str(seed)
    # Anyone holding the seed replays the draw and gets the same ranking.
    replay = scoring.evaluate(
        [scoring.Offer(str(r.bid_id), r.bid.price, other_scores=r.other_score)
         for r in reversed(results)], scoring=True, price_weight=D("40"), seed=seed)
    assert [r.key for r in replay] == [str(r.bid_id) for r in results]


def test_the_technical_tie_break_of_the_documents_is_applied(approved, alice):
    lot = _lot(approved, n=3)
    Demand.objects.filter(pk=lot.project.demand_id).update(tie_break="technical")
    Bid.objects.filter(lot=lot).update(price=Decimal("500000"))
    committee, members, chair = _draw(lot, alice)
    _qualify(lot, alice)
    _comply(lot, members)
    # The same total for all three; 投标人2 the best technical part.
    _score(lot, members, {"投标人2": (15, 5)})
    results = services.evaluation_complete(lot=lot, actor=chair)
    assert len({r.total for r in results}) == 1 and all(r.tied for r in results)
    assert results[0].bid.supplier.name == "投标人2"
    committee.refresh_from_db()
    assert committee.report["ties"]["tie_break"] == "technical"
    assert committee.report["ties"]["seed"]  # the other two, equal there too, drawn


def test_the_purchaser_states_the_tie_break_in_the_demand(client, alice, purchaser_org, budget):
    """The documents say how a tie is settled (87号令 第56、57条): the API takes it, the
    demand keeps it and its page shows it; an unknown rule is refused."""
    from django.urls import reverse

    client.force_login(alice)
    data = {"title": "设备采购", "category": "goods", "budget_line": budget.pk,
            "technical_requirements": "计算机20台", "evaluation_method": "scoring",
            "tie_break": "technical",
            "items": [{"name": "计算机", "catalog_code": "A02010105", "quantity": "20",
                       "unit": "台"}],
            "criteria": [{"kind": "price", "name": "价格", "weight": "40"},
                         {"kind": "technical", "name": "技术", "weight": "60"}]}
    r = client.post(reverse("api:demand-list"), {**data, "tie_break": "row_id"},
                    content_type="application/json")
    assert r.status_code == 400 and "tie_break" in r.content.decode()
    assert not Demand.objects.exists()
    r = client.post(reverse("api:demand-list"), data, content_type="application/json")
    assert r.status_code == 201, r.content
    demand = Demand.objects.get()
    assert demand.tie_break == "technical" and r.json()["tie_break"] == "technical"
    page = client.get(reverse("procurement:demand-detail", args=[demand.pk])).content.decode()
    assert str(Demand.TieBreak.TECHNICAL.label) in page or "技术得分" in page
