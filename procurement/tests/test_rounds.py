"""Negotiation, quotation and consultation in their own flows (issue #12 point 1):
rounds with each supplier, written changes for all, exclusions, sealed final quotations,
the statutory minimums and the two-supplier exceptions, the award by the method."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from procurement import services
from procurement.models import (
    Bid,
    DocumentChange,
    EvaluationCriterion,
    EvaluationResult,
    FinalQuote,
    Lot,
    Negotiation,
    NegotiationSession,
    Project,
)
from procurement.tests.factories import (
    DemandFactory,
    LotFactory,
    ProjectFactory,
    experts,
    staff_of,
)
from rules.registry import rule

pytestmark = pytest.mark.django_db
M = Project.Method


def rounds_lot(method=M.NEGOTIATION, *, bids=3, exception="", **project):
    """An opened lot of ``method`` with ``bids`` responses (投标人0 cheapest first) and
    its team drawn through the service."""
    lot = LotFactory(opened=True, project__method=method,
                     project__supplier_exception=exception, bids=bids,
                     **{f"project__{k}": v for k, v in project.items()})
    officer = staff_of(lot.project.purchaser)
    experts(5)
    committee = services.committee_draw(lot=lot, actor=officer)
    members = [m.expert for m in committee.members.order_by("role", "id")]
    return lot, officer, members


def _bids(lot):
    return list(Bid.objects.filter(lot=lot).order_by("supplier__name"))


def _supplier_user(bid):
    return bid.supplier.memberships.first().user


def _round(lot, member, note="就交货期和售后服务进行了谈判"):
    for bid in services.rounds.remaining_bids(lot):
        services.negotiation_session_record(lot=lot, bid=bid, notes=f"{note}：{bid.supplier}",
                                            actor=member)


def _team(lot):
    return [m.expert for m in lot.committee.members.order_by("role", "id")]


def _review_all(lot, officer, member):
    """The organiser's qualification review; every member's compliance verdict (the
    committee concludes by majority once all have given theirs)."""
    for bid in Bid.objects.filter(lot=lot, status=Bid.Status.OPENED):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=officer)
        for expert in _team(lot):
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=expert)


def _refusals(action):
    return AuditEvent.objects.filter(action=action).count()


# --- the negotiation, start to award ------------------------------------------------

def test_two_rounds_and_final_quotes_to_an_award_with_the_final_price():
    lot, officer, team = rounds_lot(bids=4)
    chair = team[0]
    b0, b1, b2, b3 = _bids(lot)
    _round(lot, chair)
    services.document_change_issue(lot=lot, text="交货期由30日调整为20日。", actor=chair)
    services.negotiation_round_next(lot=lot, actor=chair)
    services.negotiation_exclude(lot=lot, bid=b3, reason="技术参数不满足变更后的要求",
                                 actor=chair)
    _round(lot, chair, "第二轮")
    # A change now goes to the three still in, not to the excluded one.
    later = services.document_change_issue(lot=lot, text="质保期延长至五年。", actor=team[1])
    assert set(later.recipients.all()) == {b0.supplier, b1.supplier, b2.supplier}
    assert DocumentChange.objects.get(round=1).recipients.count() == 4
    now = timezone.now()
    services.final_quotes_call(lot=lot, deadline=now + dt.timedelta(hours=2), actor=chair)
    services.final_quote_submit(bid=b0, price="498000", actor=_supplier_user(b0))
    services.final_quote_submit(bid=b1, price="470000", actor=_supplier_user(b1))
    # Sealed until the deadline or the last of them: nobody can read them yet.
    assert not FinalQuote.objects.filter(price__isnull=False).exists()
    with pytest.raises(InvalidTransition):
        services.final_quotes_open(lot=lot, actor=chair)
    services.final_quote_submit(bid=b2, price="480000", actor=_supplier_user(b2))
    negotiation = Negotiation.objects.get(lot=lot)
    assert negotiation.status == Negotiation.Status.CLOSED  # the last one opened them
    b1.refresh_from_db()
    assert b1.price == Decimal("470000.00")
    assert b1.opened_payload["price"] == "500001.00"  # the first sealed price is kept
    assert AuditEvent.objects.filter(action="bid.final_price", object_id=str(b1.pk)).exists()

    _review_all(lot, officer, chair)
    results = services.evaluation_complete(lot=lot, actor=chair)
    ranked = {r.bid_id: r.rank for r in results}
    assert ranked == {b1.pk: 1, b2.pk: 2, b0.pk: 3}
    assert b3.pk not in ranked
    award = services.award_confirm(lot=lot, bid=b1, actor=officer)
    assert award.amount == Decimal("470000.00")


def test_a_supplier_without_a_final_quote_is_out_at_the_deadline():
    lot, _officer, team = rounds_lot(bids=4)
    chair = team[0]
    b0, b1, b2, b3 = _bids(lot)
    _round(lot, chair)
    start = timezone.now()
    services.final_quotes_call(lot=lot, deadline=start + dt.timedelta(hours=1), actor=chair,
                               now=start)
    for bid, price in ((b0, "490000"), (b1, "491000"), (b2, "492000")):
        services.final_quote_submit(bid=bid, price=price, actor=_supplier_user(bid), now=start)
    services.final_quotes_open(lot=lot, actor=chair, now=start + dt.timedelta(hours=1))
    b3.refresh_from_db()
    assert b3.status == Bid.Status.REJECTED and b3.price == Decimal("500003.00")
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.CLOSED


def test_the_platform_opens_the_final_quotes_at_their_deadline():
    """No one presses a button: the minute beat opens them once the deadline passed."""
    lot, _officer, team = rounds_lot(bids=4)
    chair = team[0]
    b0, b1, b2, _b3 = _bids(lot)
    _round(lot, chair)
    start = timezone.now()
    services.final_quotes_call(lot=lot, deadline=start + dt.timedelta(hours=1), actor=chair,
                               now=start)
    for bid, price in ((b0, "490000"), (b1, "491000"), (b2, "492000")):
        services.final_quote_submit(bid=bid, price=price, actor=_supplier_user(bid), now=start)
    assert services.final_quotes_open_due(now=start + dt.timedelta(minutes=59)) == 0
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.FINAL_QUOTES
    assert services.final_quotes_open_due(now=start + dt.timedelta(hours=1)) == 1
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.CLOSED
    b0.refresh_from_db()
    assert b0.price == Decimal("490000.00")
    assert services.final_quotes_open_due(now=start + dt.timedelta(hours=2)) == 0


# --- refusals: each cites its basis and saves nothing ---------------------------------

def test_a_late_final_quote_is_refused_by_the_server_clock():
    lot, _officer, team = rounds_lot()
    b0 = _bids(lot)[0]
    _round(lot, team[0])
    start = timezone.now()
    services.final_quotes_call(lot=lot, deadline=start + dt.timedelta(hours=1),
                               actor=team[0], now=start)
    with pytest.raises(RuleViolation) as refused:
        services.final_quote_submit(bid=b0, price="1", actor=_supplier_user(b0),
                                    now=start + dt.timedelta(hours=1))
    assert refused.value.basis == rule("negotiation.final_quotes").basis
    assert refused.value.code == "final_quote_late"
    assert not FinalQuote.objects.exists()
    assert _refusals("final_quote.refused") == 1


def test_a_final_quote_cannot_be_submitted_twice_or_by_another_supplier():
    lot, _officer, team = rounds_lot(bids=4)
    b0, b1 = _bids(lot)[:2]
    _round(lot, team[0])
    services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                               actor=team[0])
    services.final_quote_submit(bid=b0, price="490000", actor=_supplier_user(b0))
    with pytest.raises(InvalidTransition):
        services.final_quote_submit(bid=b0, price="400000", actor=_supplier_user(b0))
    with pytest.raises(PermissionDenied):
        services.final_quote_submit(bid=b1, price="400000", actor=_supplier_user(b0))
    assert FinalQuote.objects.count() == 1


def test_request_for_quotations_has_no_rounds_one_price_each():
    lot, _officer, team = rounds_lot(M.QUOTATION)
    b0 = _bids(lot)[0]
    for call in (
        lambda: services.negotiation_session_record(lot=lot, bid=b0, notes="再降价", actor=team[0]),
        lambda: services.final_quotes_call(lot=lot, deadline=timezone.now()
                                           + dt.timedelta(hours=1), actor=team[0]),
    ):
        with pytest.raises(RuleViolation) as refused:
            call()
        assert refused.value.basis == rule("inquiry_method.one_price").basis
        assert "法 第40条" in refused.value.basis
    assert not Negotiation.objects.exists() and not NegotiationSession.objects.exists()


def test_request_for_quotations_awards_the_lowest_compliant_price():
    # The demand says scoring; quotation still ranks by price (法 第40条).
    lot, officer, team = rounds_lot(M.QUOTATION, bids=4)
    b0, b1, b2, b3 = _bids(lot)
    for bid in (b1, b2, b3):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=officer)
        for expert in team:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=expert)
    services.bid_review(bid=b0, stage="qualification", passed=True, actor=officer)
    for expert in team:
        services.bid_review(bid=b0, stage="compliance", passed=False,
                            reason="技术参数不满足要求", actor=expert)
    results = services.evaluation_complete(lot=lot, actor=team[0])
    assert [r.bid_id for r in sorted(results, key=lambda r: r.rank)] == [b1.pk, b2.pk, b3.pk]
    assert services.award_confirm(lot=lot, bid=b1, actor=officer).amount == b1.price


def test_only_the_team_negotiates():
    lot, officer, _team = rounds_lot()
    with pytest.raises(PermissionDenied):
        services.negotiation_session_record(lot=lot, bid=_bids(lot)[0], notes="谈判",
                                            actor=officer)
    assert not NegotiationSession.objects.exists()


def test_final_quotes_need_a_round_with_every_supplier():
    lot, _officer, team = rounds_lot()
    services.negotiation_session_record(lot=lot, bid=_bids(lot)[0], notes="谈判", actor=team[0])
    with pytest.raises(DomainError) as refused:
        services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                                   actor=team[0])
    assert refused.value.code == "sessions_incomplete"
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.ROUNDS


def test_the_report_waits_for_the_final_quotations():
    lot, officer, team = rounds_lot()
    _review_all(lot, officer, team[0])
    with pytest.raises(RuleViolation) as refused:
        services.evaluation_complete(lot=lot, actor=team[0])
    assert refused.value.basis == rule("negotiation.final_quotes").basis
    assert not EvaluationResult.objects.exists()


# --- minimums and the exceptions -------------------------------------------------------

def test_too_few_left_terminates_the_negotiation_with_its_basis():
    lot, _officer, team = rounds_lot()
    services.negotiation_exclude(lot=lot, bid=_bids(lot)[0], reason="不满足资格条件要求",
                                 actor=team[0])
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED
    assert rule("negotiation.final_quotes").basis in lot.failure_reason
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.FAILED


def test_two_suppliers_continue_after_a_failed_open_tender():
    failed = ProjectFactory(failed=True, method=M.OPEN)
    lot, officer, team = rounds_lot(
        bids=2, exception=Project.SupplierException.FAILED_TENDER_TWO, retender_of=failed)
    b0, b1 = _bids(lot)
    assert lot.status == Lot.Status.OPENED
    _round(lot, team[0])
    services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                               actor=team[0])
    services.final_quote_submit(bid=b0, price="450000", actor=_supplier_user(b0))
    services.final_quote_submit(bid=b1, price="440000", actor=_supplier_user(b1))
    _review_all(lot, officer, team[0])
    results = services.evaluation_complete(lot=lot, actor=team[0])
    assert next(r for r in results if r.rank == 1).bid_id == b1.pk


def test_two_bids_open_only_with_a_recorded_exception():
    lot = LotFactory(bidding=True, project__method=M.NEGOTIATION, bids=0)
    from procurement.tests.factories import bidders

    bidders(lot, 2, opened=False)
    services.lot_open(lot=lot, now=lot.project.bid_deadline)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED


def _create(demand, method, **kw):
    actor = staff_of(demand.purchaser)
    return services.project_create(
        purchaser=demand.purchaser, actor=actor, demand=demand, title="物业服务采购",
        method=method, contact_name="李", contact_phone="1",
        lots=[{"title": "物业", "budget": Decimal("300000")}], **kw)


def _service_demand(price_weight):
    demand = DemandFactory(category="service", criteria=[
        {"kind": "price", "name": "价格", "weight": Decimal(price_weight)},
        {"kind": "technical", "name": "服务方案", "weight": Decimal(100 - price_weight)}])
    return demand


def test_consultation_refuses_a_services_price_weight_outside_10_to_30():
    demand = _service_demand(40)
    with pytest.raises(RuleViolation) as refused:
        _create(demand, M.CONSULTATION)
    assert refused.value.basis == "财库〔2014〕214号 第24条"
    assert refused.value.code == "price_weight"
    assert not Project.objects.filter(demand=demand).exists()
    assert _refusals("project.create_refused") == 1
    # The same weight is fine for an open tender (services ≥10 %, 87号令 第55条).
    assert _create(demand, M.OPEN).method == M.OPEN


def test_consultation_accepts_a_services_price_weight_within_the_range():
    assert _create(_service_demand(30), M.CONSULTATION).method == M.CONSULTATION
    goods = DemandFactory()  # goods, price weight 40: within 30–60
    assert _create(goods, M.CONSULTATION).method == M.CONSULTATION
    goods.criteria.filter(kind="price").update(weight=Decimal("25"))
    with pytest.raises(RuleViolation):
        _create(goods, M.CONSULTATION)


def test_an_exception_must_be_one_the_method_allows():
    demand = DemandFactory()
    with pytest.raises(RuleViolation) as refused:
        _create(demand, M.QUOTATION, supplier_exception="research_two")
    assert refused.value.basis == rule("inquiry_method.min_suppliers").basis
    with pytest.raises(RuleViolation) as refused:
        _create(demand, M.NEGOTIATION, supplier_exception="failed_tender_two")
    assert refused.value.basis == rule("negotiation.two_after_failed_tender").basis
    assert not Project.objects.filter(demand=demand).exists()
    assert _create(demand, M.CONSULTATION, supplier_exception="research_two") \
        .supplier_exception == "research_two"


def test_consultation_scores_with_the_demand_weights_on_final_quotes():
    lot, officer, team = rounds_lot(M.CONSULTATION)
    chair = team[0]
    b0, b1, b2 = _bids(lot)
    _round(lot, chair)
    services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                               actor=chair)
    for bid, price in ((b0, "480000"), (b1, "460000"), (b2, "470000")):
        services.final_quote_submit(bid=bid, price=price, actor=_supplier_user(bid))
    _review_all(lot, officer, chair)
    factors = list(lot.project.demand.criteria.exclude(kind="price"))
    for expert in team:
        for bid, points in ((b0, 40), (b1, 30), (b2, 35)):
            services.score_submit(bid=bid, expert=expert, points={
                c.pk: min(Decimal(points), c.weight) for c in factors})
    results = {r.bid_id: r for r in services.evaluation_complete(lot=lot, actor=chair)}
    # The cheapest final quote takes the full price score (40), the others pro rata.
    assert results[b1.pk].price_score == Decimal("40.00")
    assert results[b0.pk].rank == 1  # better scored, though dearer
    assert EvaluationCriterion.objects.filter(demand=lot.project.demand, kind="price") \
        .get().weight == Decimal("40")
