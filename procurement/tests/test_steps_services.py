"""Every step of procurement's tables is taken by a service, and leaves its row.

Four journeys through the services between them take every step of PROJECT, LOT,
BID, BID_QUERY and DEMAND (``JOURNEYS``; the last test checks that nothing is
left out). Each journey reads the steps back from ``core.models.StatusChange``.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from unittest import mock

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from core.models import StatusChange
from procurement import services, steps, tasks
from procurement.models import Bid, BidQuery, Lot, Project
from procurement.signals import award_confirmed, lot_opened
from procurement.tests.fixtures import DEADLINE, NOW, PDF
from procurement.tests.test_queries import bid_of, chair_of, open_lot, user_of

pytestmark = pytest.mark.django_db

JOURNEYS = {
    "award": {
        "procurement.Project": {"submit", "approve", "announce", "open", "evaluate", "award"},
        "procurement.Lot": {"announce", "open", "evaluate", "award"},
        "procurement.Bid": {"open", "qualify", "reject", "score", "win", "lose"},
        "procurement.BidQuery": {"answer", "accept"},
        "procurement.Demand": {"check", "use"},
    },
    "return_and_cancel": {
        "procurement.Project": {"submit", "return", "approve", "announce", "cancel"},
        "procurement.Lot": {"announce", "cancel"},
        "procurement.Bid": {"withdraw"},
    },
    "fail_at_opening": {
        "procurement.Project": {"fail"},
        "procurement.Lot": {"fail"},
        "procurement.Bid": {"withdraw"},
    },
    "price_corrections": {
        "procurement.BidQuery": {"confirm", "reject"},
    },
    "qualification": {
        "procurement.QualificationApplication": {"qualify", "disqualify"},
    },
    "negotiation": {
        "procurement.Negotiation": {"call", "open"},
        "procurement.Bid": {"reject"},
    },
    "negotiation_fails": {
        "procurement.Negotiation": {"fail"},
        "procurement.Lot": {"fail"},
    },
    "finance_bureau": {
        "procurement.Project": {"submit", "refer", "bureau_refuse", "bureau_approve"},
    },
    "revoke": {
        "procurement.Project": {"award", "reopen"},
        "procurement.Lot": {"award", "revoke"},
        "procurement.Bid": {"win", "lose", "unseat", "reinstate"},
    },
}


@pytest.fixture(autouse=True)
def _no_broker():
    """The opening task scheduled on commit stays here (test_opening_schedule.py)."""
    with mock.patch.object(tasks.open_project_at_deadline, "apply_async"):
        yield


def taken():
    """The step names recorded so far, by model label."""
    found = defaultdict(set)
    for row in StatusChange.objects.select_related("content_type"):
        found[row.content_type.model_class()._meta.label].add(row.step)
    return found


def assert_took(journey):
    found = taken()
    for label, names in JOURNEYS[journey].items():
        assert names <= found[label], (label, names - found[label])


def _supplier(name):
    org = SupplierFactory(name=name)
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return org, user


def _bid(lot, org, user, price="500000", now=NOW + dt.timedelta(days=2)):
    return services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal(price),
                               sme_scale="small", sme_items_by_smes=True, contact_name="x",
                               contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                               now=now)


def _announce(project, alice):
    services.project_announce(project=project, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)


def test_a_tender_to_its_award(demand, alice, approver, django_capture_on_commit_callbacks):
    """Four bids: one abnormally low and explained, one failing compliance; the low one
    wins. Both events go out after the commit."""
    heard = []
    award_confirmed.connect(lambda sender, award, **kw: heard.append(("award", award)),
                            weak=False, dispatch_uid="test-award")
    lot_opened.connect(lambda sender, lot, **kw: heard.append(("lot", lot)), weak=False,
                       dispatch_uid="test-lot")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lot, committee = open_lot(demand, alice, approver, [
                {"price": Decimal("250000")}, {"price": Decimal("500000")},
                {"price": Decimal("510000")}, {"price": Decimal("520000")}])
        assert [kind for kind, _ in heard] == ["lot"] and heard[0][1].pk == lot.pk
        chair = chair_of(committee)
        members = [m.expert for m in committee.members.all()]
        low = bid_of(lot, "投标人0")
        query = services.explanation_request(bid=low, actor=chair)
        services.bid_query_answer(query=query, user=user_of(low),
                                  answer="我公司为该品牌省级总代理，库存设备批量采购，成本清单附后。")
        services.bid_query_decide(query=query, actor=chair, accepted=True)
        criteria = list(lot.project.demand.criteria.exclude(kind="price"))
        for bid in Bid.objects.filter(lot=lot):
            ok = bid.supplier.name != "投标人3"
            services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
            for member in members:
                services.bid_review(bid=bid, stage="compliance", passed=ok, actor=member,
                                    reason="" if ok else "技术参数第3项不满足实质性要求")
            for expert in members if ok else []:
                services.score_submit(bid=bid, expert=expert,
                                      points={c.pk: Decimal("10") for c in criteria})
        services.evaluation_complete(lot=lot, actor=chair)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            award = services.award_confirm(lot=lot, bid=low, actor=alice)
            assert not [kind for kind, _ in heard if kind == "award"]  # not before the commit
        assert callbacks and heard[-1] == ("award", award) and award.bid.status == "won"
    finally:
        award_confirmed.disconnect(dispatch_uid="test-award")
        lot_opened.disconnect(dispatch_uid="test-lot")
    statuses = dict(Bid.objects.filter(lot=lot).values_list("supplier__name", "status"))
    assert statuses == {"投标人0": "won", "投标人1": "lost", "投标人2": "lost",
                        "投标人3": "lost"}
    assert [(r.old, r.new) for r in StatusChange.of(bid_of(lot, "投标人3"))] == [
        ("sealed", "opened"), ("opened", "rejected"), ("rejected", "lost")]
    project = Project.objects.get(pk=lot.project_id)
    assert [r.step for r in StatusChange.of(project)] == [
        "submit", "approve", "announce", "open", "evaluate", "award"]
    assert [r.step for r in StatusChange.of(demand)] == ["check", "use"]
    assert_took("award")


def test_returned_then_cancelled(project, alice, approver):
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_return(project=project, actor=approver, reason="预算金额需复核", now=NOW)
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_approve(project=project, actor=approver, now=NOW)
    _announce(project, alice)
    lot = project.lots.get()
    org, user = _supplier("投标人")
    bid = _bid(lot, org, user)
    services.bid_withdraw(bid=bid, user=user, now=NOW + dt.timedelta(days=3))
    services.project_cancel(project=project, actor=approver, reason="采购需求发生重大变化",
                            now=NOW + dt.timedelta(days=4))
    rows = list(StatusChange.of(project))
    assert [r.step for r in rows] == ["submit", "return", "submit", "approve", "announce",
                                      "cancel"]
    assert rows[1].reason == "预算金额需复核" and rows[1].actor == approver
    assert [(r.step, r.reason) for r in StatusChange.of(lot)] == [
        ("announce", ""), ("cancel", "采购需求发生重大变化")]
    assert [r.step for r in StatusChange.of(bid)] == ["withdraw"]
    assert_took("return_and_cancel")


def test_a_lot_with_too_few_bids_fails_at_opening(approved, alice):
    _announce(approved, alice)
    lot = approved.lots.get()
    org, user = _supplier("投标人")
    first = _bid(lot, org, user, price="520000")
    _bid(lot, org, user, price="510000")  # resealed: the first is withdrawn
    services.lot_open(lot=lot, now=DEADLINE)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED
    assert [r.step for r in StatusChange.of(first)] == ["withdraw"]
    assert StatusChange.of(first).get().reason == "resubmitted"
    assert [(r.step, r.old) for r in StatusChange.of(lot)] == [("announce", "pending"),
                                                               ("fail", "bidding")]
    assert [r.step for r in StatusChange.of(approved)][-1] == "fail"
    assert_took("fail_at_opening")


def test_a_corrected_price_confirmed_and_one_declined(demand, alice, approver):
    lot, _committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "price_words": "伍拾壹万元整"},
        {"price": Decimal("510000"), "price_words": "伍拾贰万元整"},
        {"price": Decimal("520000")}])
    yes, no = (BidQuery.objects.get(bid=bid_of(lot, name)) for name in ("投标人0", "投标人1"))
    services.bid_query_answer(query=yes, user=user_of(yes.bid), confirm=True)
    services.bid_query_answer(query=no, user=user_of(no.bid), confirm=False)
    assert [(r.step, r.new) for r in StatusChange.of(yes)] == [("confirm", "accepted")]
    assert [(r.step, r.new) for r in StatusChange.of(no)] == [("reject", "rejected")]
    assert_took("price_corrections")


def test_applicants_found_qualified_and_not(purchaser_org, alice):
    """邀请招标: the organiser's review of qualification applications (services.invitations)."""
    from procurement.tests.factories import ProjectFactory

    project = ProjectFactory(approved=True, method=Project.Method.INVITED,
                             purchaser=purchaser_org)
    until = NOW + dt.timedelta(days=8)
    services.qualification_notice_publish(project=project, actor=alice, apply_until=until,
                                          draw_count=3, now=NOW)
    applications = []
    for name in ("甲供应商", "乙供应商"):
        org, user = _supplier(name)
        applications.append(services.qualification_apply(
            project=project, supplier=org, user=user, declaration=True, now=NOW,
            files=[services.Upload("执照.pdf", PDF)]))
    after = until + dt.timedelta(hours=1)
    services.qualification_review(application=applications[0], actor=alice, qualified=True,
                                  now=after)
    services.qualification_review(application=applications[1], actor=alice, qualified=False,
                                  reason="资质证书过期", now=after)
    assert [r.step for r in StatusChange.of(applications[1])] == ["disqualify"]
    assert StatusChange.of(applications[1]).get().reason == "资质证书过期"
    assert_took("qualification")


def test_the_finance_bureau_refuses_then_approves_a_method(alice, approver, supervisor,
                                                          purchaser_org, intention):
    from procurement.tests.fixtures import demand_data

    line = services.budget_line_create(purchaser=purchaser_org, year=2026, code="B-1",
                                       name="大额", amount=Decimal("6000000"), source="fiscal",
                                       actor=alice)
    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=line,
                                    intention=intention, now=NOW, **demand_data())
    project = services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title="大额谈判", method="negotiation",
        method_justification="技术复杂，需谈判确定方案。", contact_name="a", contact_phone="1",
        lots=[{"title": "平台", "budget": Decimal("4500000"), "ceiling_price": None}], now=NOW)
    for decision in ("refuse", "approve"):
        project.refresh_from_db()
        services.project_submit(project=project, actor=alice, now=NOW)
        services.project_approve(project=project, actor=approver, now=NOW)
        services.method_approval_decide(
            approval=project.method_approvals.get(status="pending"), actor=supervisor,
            decision=decision, reason="理由不充分，请补充论证。" if decision == "refuse" else "",
            now=NOW)
    rows = list(StatusChange.of(project))
    assert [r.step for r in rows] == ["submit", "refer", "bureau_refuse", "submit", "refer",
                                      "bureau_approve"]
    assert rows[2].actor == supervisor and rows[2].reason == "理由不充分，请补充论证。"
    assert_took("finance_bureau")


def test_an_award_revoked_and_the_next_candidate_confirmed(demand, alice, approver):
    """94号令 第16条 (verify): the revoked winner unseated, the others reinstated, the lot
    and the project back to evaluation, then the second-ranked confirmed."""
    lot, committee = open_lot(demand, alice, approver, [
        {"price": Decimal(p)} for p in ("500000", "510000", "520000", "530000")])
    chair = chair_of(committee)
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        for member in members:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member)
            services.score_submit(bid=bid, expert=member,
                                  points={c.pk: Decimal("10") for c in criteria})
    services.evaluation_complete(lot=lot, actor=chair)
    award = services.award_confirm(lot=lot, bid=bid_of(lot, "投标人0"), actor=alice)
    services.award_revoke(award=award, actor=alice, organization=lot.project.purchaser,
                          reason="质疑成立：中标人资格证明材料不实。", basis="94号令 第16条")
    assert [r.step for r in StatusChange.of(bid_of(lot, "投标人0"))][-1] == "unseat"
    assert [r.step for r in StatusChange.of(bid_of(lot, "投标人1"))][-1] == "reinstate"
    assert [r.step for r in StatusChange.of(lot)][-2:] == ["award", "revoke"]
    services.award_confirm(lot=lot, bid=bid_of(lot, "投标人1"), actor=alice)
    assert [r.step for r in StatusChange.of(Project.objects.get(pk=lot.project_id))][-3:] == [
        "award", "reopen", "award"]
    assert_took("revoke")


def test_the_journeys_take_every_step_of_every_table():
    covered = defaultdict(set)
    for journey in JOURNEYS.values():
        for label, names in journey.items():
            covered[label] |= names
    for table in steps.TABLES:
        assert covered[table.model_label] == {s.name for s in table.steps}, table.model_label


def test_a_negotiation_calls_and_opens_final_quotations():
    from procurement.tests.test_rounds import _bids, _round, _supplier_user, rounds_lot

    lot, _officer, team = rounds_lot(bids=4)
    b0, b1, b2, b3 = _bids(lot)
    services.negotiation_exclude(lot=lot, bid=b3, reason="不满足技术要求", actor=team[0])
    _round(lot, team[0])
    from django.utils import timezone

    services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                               actor=team[0])
    for bid in (b0, b1, b2):
        services.final_quote_submit(bid=bid, price="450000", actor=_supplier_user(bid))
    assert_took("negotiation")


def test_a_negotiation_with_too_few_suppliers_is_terminated():
    from procurement.tests.test_rounds import _bids, rounds_lot

    lot, _officer, team = rounds_lot()
    services.negotiation_exclude(lot=lot, bid=_bids(lot)[0], reason="不满足资格条件",
                                 actor=team[0])
    assert_took("negotiation_fails")
