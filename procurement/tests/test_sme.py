"""SMEs (财库〔2020〕46号, 财库〔2022〕19号): the itemised declaration decides the
deduction, the purchaser's chosen rate is used and published, reservation is enforced
at drafting, and a reserved lot with too few SMEs is stopped and re-run unreserved."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from audit.models import AuditEvent
from core.exceptions import DomainError, RuleViolation
from procurement import scoring, services
from procurement.models import Announcement, Bid, EvaluationResult, Lot, Project
from procurement.services.evaluation import _scale_of
from procurement.tests.fixtures import DEADLINE, NOW, PDF, demand_data, pool

pytestmark = pytest.mark.django_db

TWO_ITEMS = [
    {"name": "台式计算机", "catalog_code": "A02010105", "quantity": Decimal("60"), "unit": "台",
     "is_core": True},
    {"name": "显示器", "catalog_code": "A02010105", "quantity": Decimal("60"), "unit": "台"},
]
# Within the reservation limits: above the purchasing threshold (100万 by default), up
# to 200万.
WITHIN = {"budget": Decimal("1500000"), "ceiling_price": None}
UNRESERVED = {"sme_reservation": "none", "not_reserved_reason": "no_competition",
              "not_reserved_detail": "本地同类中小企业不足三家，预留无法确保充分竞争"}


def lot_spec(**kw):
    return {"title": "计算机教室设备", "budget": Decimal("600000"),
            "ceiling_price": Decimal("580000"), **kw}


def draft(purchaser_org, alice, demand, *lots, **kw):
    return services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title=demand.title,
        method="open", lots=list(lots), contact_name="李爱丽", contact_phone="0374-2961020",
        now=NOW, **kw)


@pytest.fixture
def two_item_demand(alice, purchaser_org, budget, intention):
    return services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                  intention=intention, now=NOW,
                                  **demand_data(items=TWO_ITEMS))


def bidder(name, scale):
    org = SupplierFactory(name=name, scale=scale)
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return org, user


def seal(lot, name, scale, *, makers=None, price="500000", **kw):
    """A bid whose 中小企业声明函 names a maker of ``makers[i]``'s scale for item i."""
    org, user = bidder(name, scale)
    items = list(lot.items.order_by("pk"))
    rows = [{"item": item.pk, "maker": f"{m}制造有限公司", "maker_scale": m}
            for item, m in zip(items, makers or [], strict=False)]
    return services.bid_submit(lot=lot, supplier=org, user=user, price=price,
                               sme_scale=scale, sme_items=rows, contact_name="x",
                               contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                               now=NOW + dt.timedelta(days=2), **kw)


def announce(project, alice, approver):
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_approve(project=project, actor=approver, now=NOW)
    return services.project_announce(project=project, actor=alice, documents_from=NOW,
                                     documents_until=NOW + dt.timedelta(days=7),
                                     bid_deadline=DEADLINE, now=NOW)


def evaluate(lot, alice):
    """Open, draw, review and score every bid alike, and submit the report."""
    services.lot_open(lot=lot, now=DEADLINE)
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        for expert in members:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=expert)
        for expert in members:
            services.score_submit(bid=bid, expert=expert,
                                  points={c.pk: Decimal("10") for c in criteria})
    services.evaluation_complete(lot=lot, actor=committee.members.get(role="chair").expert)
    return {r.bid.supplier.name: r.deduction for r in EvaluationResult.objects.filter(
        bid__lot=lot)}


# --- the deduction follows the makers (46号 第4条) and the chosen rate (19号) -----------

def test_only_bids_of_goods_all_made_by_small_firms_get_the_chosen_15_per_cent(
        purchaser_org, alice, approver, two_item_demand):
    project = draft(purchaser_org, alice, two_item_demand,
                    lot_spec(sme_deduction=Decimal("15"), **UNRESERVED))
    notice = announce(project, alice, approver)
    lot = project.lots.get()
    assert lot.sme_deduction == Decimal("15")
    # The tender announcement prints the rate the purchaser chose.
    assert "对小微企业报价给予15%的扣除" in notice.body and "财库〔2022〕19号" in notice.body
    assert notice.fields["sme_deductions"]["1"]["small_micro"] == "15.00"

    seal(lot, "小微自产", "small", makers=["small", "micro"])
    seal(lot, "小型经销大厂货", "small", makers=["large", "large"])  # a small reseller
    seal(lot, "小型混合", "micro", makers=["small", "large"])        # mixed makers
    seal(lot, "中型企业", "medium", makers=["small", "small"])
    assert evaluate(lot, alice) == {"小微自产": Decimal("15.00"), "小型经销大厂货": Decimal("0"),
                                    "小型混合": Decimal("0"), "中型企业": Decimal("0")}
    # The declaration as sealed lists each item's maker and scale.
    bid = Bid.objects.get(supplier__name="小型经销大厂货")
    declaration = bid.opened_payload["sme_declaration"]
    assert declaration["all_items_by_smes"] is False
    assert [i["maker_scale"] for i in declaration["items"]] == ["large", "large"]


def test_the_offer_arguments_of_a_declaration():
    small_made = {"sme_declaration": {"scale": "small", "items": [
        {"maker_scale": "micro"}, {"maker_scale": "small"}]}}
    reseller = {"sme_declaration": {"scale": "small", "items": [{"maker_scale": "large"}]}}
    legacy_no = {"sme_declaration": {"scale": "small", "all_items_by_smes": False}}
    legacy_yes = {"sme_declaration": {"scale": "small", "all_items_by_smes": True}}

    def rate(payload, category="goods"):
        offer = scoring.Offer(key="1", price=Decimal("100"), **_scale_of(payload, category))
        return scoring.evaluated_price(offer, deduction_rate=Decimal("15"),
                                       consortium_rate=Decimal("5"), reserved=False)[1]

    assert rate(small_made) == Decimal("15")
    assert rate(reseller) == Decimal("0")
    assert rate(legacy_no) == Decimal("0") and rate(legacy_yes) == Decimal("15")
    # Services and works: the bidder provides them itself; its own scale decides.
    assert rate(reseller, "service") == Decimal("15")
    assert rate(reseller, "engineering") == Decimal("15")


@pytest.mark.parametrize(("members", "control", "makers", "expected"), [
    ([("small", "40")], False, ["small"], "15"),       # all small/micro: as a small firm
    ([("micro", "35")], False, ["large", "micro"], "5"),  # large lead, 35 % small/micro
    ([("micro", "25")], False, ["large", "micro"], "0"),  # below 30 %
    ([("micro", "35")], True, ["large", "micro"], "0"),   # a control relationship
    ([("micro", "35")], False, ["large", "large"], "0"),  # every item large-made
])
def test_a_consortium_earns_by_its_small_share_unless_controlled(members, control, makers,
                                                                  expected):
    lead = "small" if all(s == "small" for s, _ in members) else "large"
    shares = sum(Decimal(s) for _, s in members)
    payload = {"sme_declaration": {"scale": lead, "items": [{"maker_scale": m}
                                                            for m in makers]},
               "consortium": {"lead_scale": lead, "lead_share": str(100 - shares),
                              "members": [{"scale": s, "share": share}
                                          for s, share in members],
                              **({"control": True} if control else {})}}
    offer = scoring.Offer(key="1", price=Decimal("100"), **_scale_of(payload, "goods"))
    _value, rate = scoring.evaluated_price(offer, deduction_rate=Decimal("15"),
                                           consortium_rate=Decimal("5"), reserved=False)
    assert rate == Decimal(expected)


def test_the_control_relationship_is_sealed_with_the_consortium(
        purchaser_org, alice, approver, demand):
    project = draft(purchaser_org, alice, demand, lot_spec(**UNRESERVED))
    announce(project, alice, approver)
    lot = project.lots.get()
    bid = seal(lot, "大型牵头", "large", makers=["large"], consortium_control=True,
               consortium=[{"name": "许昌小微科技有限公司", "scale": "micro", "share": "35"}])
    for name in ("乙", "丙"):
        seal(lot, name, "small", makers=["small"])
    services.lot_open(lot=lot, now=DEADLINE)
    bid.refresh_from_db()
    assert bid.opened_payload["consortium"]["control"] is True


def test_a_declaration_must_list_every_item_of_the_lot_and_nothing_is_sealed(
        purchaser_org, alice, approver, two_item_demand):
    project = draft(purchaser_org, alice, two_item_demand, lot_spec(**UNRESERVED))
    announce(project, alice, approver)
    lot = project.lots.get()
    with pytest.raises(DomainError) as exc:
        seal(lot, "漏项", "small", makers=["small"])  # one item of two
    assert exc.value.code == "sme_items" and exc.value.field == "sme_items"
    assert not Bid.objects.exists()
    assert AuditEvent.objects.filter(action="bid.refused").exists()


def test_a_reserved_lot_refuses_a_small_reseller_of_large_firms_goods(
        purchaser_org, alice, approver, demand):
    project = draft(purchaser_org, alice, demand, lot_spec(sme_reservation="whole"))
    announce(project, alice, approver)
    lot = project.lots.get()
    assert lot.sme_reservation == Lot.Reservation.WHOLE
    with pytest.raises(RuleViolation) as exc:
        seal(lot, "小型经销", "small", makers=["large"])
    assert exc.value.code == "sme_reserved"
    assert "第4条" in exc.value.basis and "第7条" in exc.value.basis
    assert not Bid.objects.exists()
    seal(lot, "中型自产", "medium", makers=["medium"])  # an SME with SME-made goods may
    assert Bid.objects.count() == 1


# --- the rates are chosen within the ranges (19号) ------------------------------------

@pytest.mark.parametrize(("category", "key", "value", "ok"), [
    ("goods", "sme_deduction", "20", True), ("goods", "sme_deduction", "9", False),
    ("goods", "sme_deduction", "21", False), ("goods", "sme_consortium_deduction", "7", False),
    ("engineering", "sme_deduction", "5", True), ("engineering", "sme_deduction", "6", False),
    ("engineering", "sme_consortium_deduction", "2", True),
    ("engineering", "sme_consortium_deduction", "3", False),
])
def test_a_deduction_rate_outside_its_range_is_refused_citing_19hao(
        purchaser_org, alice, budget, intention, category, key, value, ok):
    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                    intention=intention, now=NOW,
                                    **demand_data(category=category))
    spec = lot_spec(**UNRESERVED, **{key: Decimal(value)})
    if ok:
        lot = draft(purchaser_org, alice, demand, spec).lots.get()
        assert getattr(lot, key) == Decimal(value)
        return
    with pytest.raises(RuleViolation) as exc:
        draft(purchaser_org, alice, demand, spec)
    assert exc.value.code == "sme_deduction_range" and exc.value.basis == "财库〔2022〕19号"
    assert not Project.objects.exists()


def test_the_default_rates_are_the_minimum(purchaser_org, alice, demand):
    lot = draft(purchaser_org, alice, demand, lot_spec(**UNRESERVED)).lots.get()
    assert (lot.sme_deduction, lot.sme_consortium_deduction) == (Decimal("10"), Decimal("4"))


# --- reservation enforced at drafting (46号 第6–8条) -----------------------------------

def test_an_unreserved_lot_under_2_million_without_a_reason_is_refused(
        purchaser_org, alice, big_demand):
    demand = big_demand
    with pytest.raises(RuleViolation) as exc:
        draft(purchaser_org, alice, demand, lot_spec(sme_reservation="none", **WITHIN))
    assert exc.value.code == "sme_reservation_required" and exc.value.field == "lots"
    assert "第6条" in exc.value.basis and "第7条" in exc.value.basis
    assert not Project.objects.exists()
    assert AuditEvent.objects.filter(action="project.create_refused").exists()
    # A reason without an explanation is not enough; the platform's own is not a choice.
    for reason, detail in (("no_competition", ""), ("too_few_smes", "上次中小企业不足三家")):
        with pytest.raises(RuleViolation):
            draft(purchaser_org, alice, demand, lot_spec(
                sme_reservation="none", not_reserved_reason=reason,
                not_reserved_detail=detail, **WITHIN))
    assert not Project.objects.exists()


def test_an_unreserved_lot_with_an_allowed_reason_keeps_it(purchaser_org, alice,
                                                           big_demand):
    lot = draft(purchaser_org, alice, big_demand, lot_spec(**UNRESERVED, **WITHIN)).lots.get()
    assert lot.sme_reservation == "none" and lot.not_reserved_reason == "no_competition"
    assert "充分竞争" in lot.not_reserved_detail
    event = AuditEvent.objects.get(action="project.create")
    assert event.detail["not_reserved"] == {"1": "no_competition"}


def test_a_reserved_lot_drops_any_reason(purchaser_org, alice, demand):
    lot = draft(purchaser_org, alice, demand, lot_spec(
        sme_reservation="whole", not_reserved_reason="framework",
        not_reserved_detail="无关的理由")).lots.get()
    assert lot.not_reserved_reason == "" and lot.not_reserved_detail == ""


def test_the_rule_reserves_a_lot_left_without_a_choice(purchaser_org, alice, demand,
                                                       big_demand):
    lot = draft(purchaser_org, alice, big_demand, lot_spec(**WITHIN)).lots.get()
    assert lot.sme_reservation == "whole" and lot.reserved_share == Decimal("100")
    # Under the purchasing threshold (采购限额标准) the rule reserves nothing, and
    # nothing needs a reason.
    lot = draft(purchaser_org, alice, demand, lot_spec(sme_reservation="none")).lots.get()
    assert lot.sme_reservation == "none" and lot.not_reserved_reason == ""


def test_a_lot_under_2_million_is_reserved_wholly_not_partly(purchaser_org, alice,
                                                             big_demand):
    with pytest.raises(RuleViolation) as exc:
        draft(purchaser_org, alice, big_demand, lot_spec(
            sme_reservation="partial", reserved_share=Decimal("50"), **WITHIN))
    assert exc.value.code == "sme_reserve_whole" and "第7条" in exc.value.basis
    assert not Project.objects.exists()


@pytest.fixture
def big_demand(alice, purchaser_org):
    line = services.budget_line_create(
        purchaser=purchaser_org, year=2026, code="2026-JY-900", name="教育信息化",
        amount=Decimal("5000000"), source="fiscal", actor=alice)
    return services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=line,
                                  now=NOW, **demand_data())


@pytest.mark.parametrize(("share", "small", "code"), [
    ("20", None, "sme_reserve_share"), ("30", "50", "sme_small_micro_share")])
def test_a_partial_reservation_is_30_per_cent_with_60_for_small_firms(
        purchaser_org, alice, big_demand, share, small, code):
    spec = lot_spec(budget=Decimal("3000000"), ceiling_price=None, sme_reservation="partial",
                    reserved_share=Decimal(share),
                    reserved_small_micro_share=Decimal(small) if small else None)
    with pytest.raises(RuleViolation) as exc:
        draft(purchaser_org, alice, big_demand, spec)
    assert exc.value.code == code and "第8条" in exc.value.basis
    assert not Project.objects.exists()


def test_a_partial_reservation_defaults_to_the_minimum_shares(purchaser_org, alice,
                                                              big_demand):
    lot = draft(purchaser_org, alice, big_demand, lot_spec(
        budget=Decimal("3000000"), ceiling_price=None)).lots.get()
    assert lot.sme_reservation == "partial"
    assert (lot.reserved_share, lot.reserved_small_micro_share) == (Decimal("30"),
                                                                     Decimal("60"))


# --- too few SMEs: stopped and re-run unreserved (46号 第10条) ------------------------

def test_a_reserved_lot_with_two_sme_bids_stops_and_is_re_tendered_unreserved(
        purchaser_org, alice, approver, demand):
    project = draft(purchaser_org, alice, demand, lot_spec(sme_reservation="whole",
                                                           sme_deduction=Decimal("12")))
    announce(project, alice, approver)
    lot = project.lots.get()
    seal(lot, "甲", "small", makers=["small"])
    seal(lot, "乙", "medium", makers=["medium"])
    services.lot_open(lot=lot, now=DEADLINE)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED and lot.sme_stopped
    assert "第10条" in lot.failure_reason
    assert not Bid.objects.filter(price__isnull=False).exists()  # never decrypted
    failure = project.announcements.get(kind=Announcement.Kind.FAILURE)
    assert "第10条" in failure.fields["basis"]

    again = services.project_retender(project=project, actor=alice, now=DEADLINE)
    new = again.lots.get()
    assert new.sme_reservation == Lot.Reservation.NONE and new.reserved_share is None
    assert new.not_reserved_reason == Lot.NotReservedReason.TOO_FEW_SMES
    assert project.code in new.not_reserved_detail and "第10条" in new.not_reserved_detail
    assert new.sme_deduction == Decimal("12")  # the chosen rate now applies


def test_a_reserved_lot_with_three_sme_bids_opens(purchaser_org, alice, approver, demand):
    project = draft(purchaser_org, alice, demand, lot_spec(sme_reservation="whole"))
    announce(project, alice, approver)
    lot = project.lots.get()
    for name in ("甲", "乙", "丙"):
        seal(lot, name, "small", makers=["small"])
    services.lot_open(lot=lot, now=DEADLINE)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED and not lot.sme_stopped


def test_a_failed_reserved_lot_for_another_reason_keeps_its_reservation(
        purchaser_org, alice, approver, demand):
    project = draft(purchaser_org, alice, demand, lot_spec(sme_reservation="whole"))
    announce(project, alice, approver)
    lot = project.lots.get()
    services.lot_open(lot=lot, now=DEADLINE)  # no bid: stopped too, by 第10条
    lot.refresh_from_db()
    assert lot.sme_stopped
    Lot.objects.filter(pk=lot.pk).update(sme_stopped=False)  # as if it failed in review
    new = services.project_retender(project=project, actor=alice, now=DEADLINE).lots.get()
    assert new.sme_reservation == Lot.Reservation.WHOLE and new.not_reserved_reason == ""
