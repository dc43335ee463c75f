"""Questions to bidders (87号令 第51、59、60条), consortium bids, the procurement
assistant and the re-tender after failure."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from core.exceptions import DomainError
from core.money import words_to_yuan, yuan_in_words
from deadlines.models import Deadline
from notifications.models import Message
from procurement import pricing, services
from procurement.models import Bid, BidQuery, EvaluationResult, Lot, Project
from procurement.rules import budget_available
from procurement.tests.fixtures import DEADLINE, NOW, PDF, pool

pytestmark = pytest.mark.django_db


# --- the arithmetic ------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0.05", "10", "100500", "1000000.1", "120034005.67",
                                    "200000000", "10001"])
def test_amounts_in_words_read_back_exactly(amount):
    assert words_to_yuan(yuan_in_words(Decimal(amount))) == Decimal(amount)


def test_words_that_are_not_an_amount_read_as_none():
    assert words_to_yuan("伍拾万") is None  # no 元
    assert words_to_yuan("five hundred") is None
    assert words_to_yuan("人民币 伍拾万元整") == Decimal("500000")


def test_corrections_apply_in_the_order_of_article_59():
    # Words prevail over figures, then the unit prices over the total.
    c = pricing.correct(Decimal("500000"), words="伍拾万零伍仟元整")
    assert c.corrected == Decimal("505000") and "第2项" in c.steps[0]
    lines = [pricing.Line("台式计算机", Decimal("60"), Decimal("8300"))]
    c = pricing.correct(Decimal("500000"), lines=lines)
    assert c.corrected == Decimal("498000") and "第4项" in c.steps[0]
    # A misplaced decimal point in a unit price: the total stands, the unit price moves.
    lines = [pricing.Line("台式计算机", Decimal("60"), Decimal("833.33"))]
    c = pricing.correct(Decimal("499998"), lines=lines)
    assert not c.changed and "第3项" in c.steps[0]
    assert c.lines[0].unit_price == Decimal("8333.30")
    assert not pricing.correct(Decimal("1"), words="壹元整").steps


# --- a lot with chosen bids ----------------------------------------------------------

def open_lot(demand, alice, approver, specs, reservation="none"):
    """Announce a one-lot project, seal one bid per spec, and open it."""
    project = services.project_create(
        purchaser=demand.purchaser, actor=alice, demand=demand, title=demand.title,
        method="open", contact_name="李爱丽", contact_phone="0374-2961020", now=NOW,
        lots=[{"title": "计算机教室设备", "budget": Decimal("600000"),
               "ceiling_price": Decimal("580000"), "sme_reservation": reservation}])
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_approve(project=project, actor=approver, now=NOW)
    services.project_announce(project=project, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    lot = project.lots.get()
    for i, spec in enumerate(specs):
        org = SupplierFactory(name=f"投标人{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                            now=NOW + dt.timedelta(days=2),
                            **{"sme_scale": "small", "sme_items_by_smes": True, **spec})
    services.lot_open(lot=lot, now=DEADLINE)
    lot.refresh_from_db()
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    return lot, committee


def bid_of(lot, name):
    return Bid.objects.get(lot=lot, supplier__name=name)


def user_of(bid):
    return bid.supplier.memberships.get().user


def review_and_score(lot, alice, committee):
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        if services.bid_verdicts(bid)["compliance"].passed is False:
            continue  # invalid on a question to the bidder
        for member in members:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member)
        for expert in members:
            services.score_submit(bid=bid, expert=expert,
                                  points={c.pk: Decimal("10") for c in criteria})


def chair_of(committee):
    return committee.members.get(role="chair").expert


# --- price corrections ----------------------------------------------------------------

def test_a_price_inconsistent_with_its_words_is_corrected_once_the_bidder_confirms(
        demand, alice, approver):
    lot, committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "price_words": "伍拾壹万元整"},
        {"price": Decimal("510000")}, {"price": Decimal("520000")}])
    bid = bid_of(lot, "投标人0")
    query = BidQuery.objects.get(bid=bid)
    assert query.kind == "price_correction" and query.corrected_price == Decimal("510000")
    assert "第59条" in query.question
    assert Message.objects.filter(category="procurement.query",
                                  recipient=user_of(bid)).exists()
    # The report waits for the bidder.
    review_and_score(lot, alice, committee)
    with pytest.raises(DomainError) as exc:
        services.evaluation_complete(lot=lot, actor=chair_of(committee))
    assert exc.value.code == "queries_open" and "第51条" in exc.value.basis
    with pytest.raises(DomainError):  # the chair cannot confirm for the bidder
        services.bid_query_decide(query=query, actor=chair_of(committee), accepted=True)

    services.bid_query_answer(query=query, user=user_of(bid), confirm=True)
    bid.refresh_from_db()
    assert bid.price == Decimal("510000")
    # The opening table keeps what was sealed.
    row = next(r for r in services.opening_table(lot) if r["supplier"] == "投标人0")
    assert row["price"] == Decimal("500000")
    results = services.evaluation_complete(lot=lot, actor=chair_of(committee))
    # The corrected price, less the small-enterprise deduction of 10 %.
    assert EvaluationResult.objects.get(bid=bid).evaluated_price == Decimal("459000.00")
    assert len(results) == 3


def test_a_bidder_that_declines_the_correction_has_an_invalid_bid(demand, alice, approver):
    lot, committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "price_words": "伍拾壹万元整"},
        {"price": Decimal("510000")}, {"price": Decimal("520000")}])
    bid = bid_of(lot, "投标人0")
    query = BidQuery.objects.get(bid=bid)
    services.bid_query_answer(query=query, user=user_of(bid), confirm=False)
    verdict = services.bid_verdicts(bid)["compliance"]
    assert verdict.passed is False and "87号令 第59条第2款" in verdict.reason
    with pytest.raises(DomainError):  # and no member can pass it again
        services.bid_review(bid=bid, stage="compliance", passed=True,
                            actor=committee.members.first().expert)
    with pytest.raises(DomainError):  # answered once
        services.bid_query_answer(query=query, user=user_of(bid), confirm=True)


def test_unreadable_words_are_refused_and_nothing_is_sealed(demand, alice, approver):
    with pytest.raises(DomainError) as exc:
        open_lot(demand, alice, approver, [{"price": Decimal("500000"),
                                            "price_words": "五十万左右"}])
    assert exc.value.field == "price_words"
    assert not Bid.objects.exists()


# --- abnormally low prices ------------------------------------------------------------

LOW = [{"price": Decimal("250000")}, {"price": Decimal("500000")},
       {"price": Decimal("510000")}, {"price": Decimal("520000")}]


def test_an_abnormally_low_price_must_be_explained_before_the_report(demand, alice,
                                                                      approver):
    lot, committee = open_lot(demand, alice, approver, LOW)
    low = bid_of(lot, "投标人0")
    chair = chair_of(committee)
    assert services.abnormally_low_bids(lot) == {low.pk}
    review_and_score(lot, alice, committee)
    with pytest.raises(DomainError) as exc:
        services.evaluation_complete(lot=lot, actor=chair)
    assert exc.value.code == "abnormally_low_unexplained" and "第60条" in exc.value.basis
    assert "投标人0" in str(exc.value)

    with pytest.raises(DomainError):  # only the chair asks
        services.explanation_request(bid=low, actor=committee.members.exclude(
            role="chair").first().expert)
    query = services.explanation_request(bid=low, actor=chair)
    with pytest.raises(DomainError):  # nothing to accept yet
        services.bid_query_decide(query=query, actor=chair, accepted=True)
    with pytest.raises(DomainError) as exc:
        services.bid_query_answer(query=query, user=user_of(low), answer="便宜")
    assert exc.value.code == "answer_too_short"
    services.bid_query_answer(query=query, user=user_of(low),
                              answer="我公司为该品牌省级总代理，库存设备批量采购，成本清单附后。")
    query.refresh_from_db()
    assert query.status == "answered"
    assert Message.objects.filter(category="procurement.committee", recipient=chair,
                                  body__contains="书面说明").exists()
    services.bid_query_decide(query=query, actor=chair, accepted=True)
    results = services.evaluation_complete(lot=lot, actor=chair)
    top = results[0]
    assert top.bid == low and top.abnormally_low
    # The explanation was accepted, so the purchaser may confirm this winner.
    award = services.award_confirm(lot=lot, bid=low, actor=alice)
    assert award.amount == Decimal("250000")


def test_an_unexplained_low_price_makes_the_bid_invalid_and_the_lot_can_be_procured_again(
        demand, alice, approver):
    lot, committee = open_lot(demand, alice, approver, LOW[:3])
    low = bid_of(lot, "投标人0")
    chair = chair_of(committee)
    query = services.explanation_request(bid=low, actor=chair)
    with pytest.raises(DomainError) as exc:  # a rejection states its reason
        services.bid_query_decide(query=query, actor=chair, accepted=False)
    assert exc.value.code == "reason_required"
    services.bid_query_decide(query=query, actor=chair, accepted=False,
                              reason="投标人未在规定时间内提供书面说明")
    assert "87号令 第60条" in services.bid_verdicts(low)["compliance"].reason
    assert Message.objects.filter(recipient=user_of(low), category="procurement.query",
                                  body__contains="投标无效").exists()
    review_and_score(lot, alice, committee)
    assert services.evaluation_complete(lot=lot, actor=chair) == []  # two left: 废标
    lot.refresh_from_db()
    project = lot.project
    project.refresh_from_db()
    assert lot.status == Lot.Status.FAILED and project.status == "failed"

    # The failure released the budget; the same demand goes out again.
    assert budget_available(project.budget_line) == Decimal("800000")
    again = services.project_retender(project=project, actor=alice)
    assert again.status == "draft" and again.retender_of == project
    assert again.demand == project.demand and again.code != project.code
    assert [(x.title, x.budget) for x in again.lots.all()] == [("计算机教室设备",
                                                                Decimal("600000"))]
    assert budget_available(project.budget_line) == Decimal("200000")
    with pytest.raises(DomainError):  # once
        services.project_retender(project=project, actor=alice)


def test_only_a_failed_lot_is_procured_again(project, alice):
    with pytest.raises(DomainError):
        services.project_retender(project=project, actor=alice)
    assert Project.objects.count() == 1


# --- consortium ---------------------------------------------------------------------

def test_a_consortium_with_a_small_share_gets_the_consortium_deduction(demand, alice,
                                                                       approver):
    lot, committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "sme_scale": "large", "sme_items_by_smes": False,
         "consortium": [{"name": "许昌小微科技有限公司", "scale": "micro", "share": "35"}]},
        {"price": Decimal("500000"), "sme_scale": "large", "sme_items_by_smes": False},
        {"price": Decimal("500000"), "sme_scale": "small"}])
    review_and_score(lot, alice, committee)
    services.evaluation_complete(lot=lot, actor=chair_of(committee))
    deductions = {r.bid.supplier.name: r.deduction for r in EvaluationResult.objects.all()}
    assert deductions == {"投标人0": Decimal("4"), "投标人1": Decimal("0"),
                          "投标人2": Decimal("10")}


@pytest.mark.parametrize("consortium", [
    [{"name": "", "scale": "small", "share": "30"}],
    [{"name": "甲", "scale": "huge", "share": "30"}],
    [{"name": "甲", "scale": "small", "share": "60"}, {"name": "乙", "scale": "small",
                                                       "share": "40"}],
])
def test_an_incomplete_consortium_is_refused_and_nothing_is_sealed(demand, alice, approver,
                                                                  consortium):
    with pytest.raises(DomainError) as exc:
        open_lot(demand, alice, approver, [{"price": Decimal("500000"),
                                            "consortium": consortium}])
    assert exc.value.field == "consortium"
    assert not Bid.objects.exists()


# --- the procurement assistant ----------------------------------------------------------

def test_the_assistant_is_named_to_the_winner_and_hears_the_signing_clock(
        demand, alice, approver, purchaser_org):
    helper = UserFactory(real_name="王助理", mobile="13900000016")
    MembershipFactory(user=helper, organization=purchaser_org, role=Membership.Role.OFFICER)
    lot, committee = open_lot(demand, alice, approver, LOW[1:])
    project = lot.project
    with pytest.raises(DomainError):  # not the purchaser's or agency's staff
        services.project_assign_assistant(project=project, actor=alice,
                                          assistant=UserFactory())
    services.project_assign_assistant(project=project, actor=alice, assistant=helper)
    review_and_score(lot, alice, committee)
    first = services.evaluation_complete(lot=lot, actor=chair_of(committee))[0].bid
    award = services.award_confirm(lot=lot, bid=first, actor=alice)
    winner = user_of(first)
    message = Message.objects.get(category="procurement.result", channel="inapp",
                                  recipient=winner)
    assert "政府采购助理：王助理（13900000016）" in message.body
    clock = Deadline.objects.get(clock="contract.sign", subject_id=str(award.pk))
    assert {winner, helper} <= set(clock.responsible_users.all())
    assert Message.objects.filter(recipient=helper, category="deadline.opened").exists()
