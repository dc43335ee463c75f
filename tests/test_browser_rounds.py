"""Negotiation, request for quotations and consultation walked to an award through the
pages, each by its own steps (issue #12 point 1).

The state before the method's own steps — demand, project approved and announced,
responses sealed and opened, the team drawn — is built with the factories and services;
the budgets stay below the open-tender threshold (no finance-bureau approval needed)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import PASSWORD
from procurement import services
from procurement.models import Award, Bid, EvaluationResult, Lot, Negotiation, Project
from procurement.tests.factories import (
    DemandFactory,
    LotFactory,
    PurchaserFactory,
    announce,
    bidders,
    experts,
    member,
    staff_of,
)
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    restore_reference_data()


def _click(page, testid):
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("load")


def _team(lot):
    officer = staff_of(lot.project.purchaser)
    experts(5)
    committee = services.committee_draw(lot=lot, actor=officer)
    members = [m.expert for m in committee.members.order_by("role", "id")]  # chair first
    return officer, members


def _bids(lot):
    return list(Bid.objects.filter(lot=lot).order_by("supplier__name"))


def _supplier_user(bid):
    return bid.supplier.memberships.filter(role=Membership.Role.ADMIN).first().user


def _ok(page):
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")


def _record_sessions(page, lot, note):
    for bid in Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).order_by("pk"):
        page.fill(f"[data-testid=notes-{bid.pk}]", f"{note}：{bid.supplier.name}")
        _click(page, f"session-{bid.pk}")
        _ok(page)


def _final_quote(page, live_server, bid, price, screenshot=None):
    login(page, live_server, _supplier_user(bid).username, PASSWORD)
    page.goto(f"{live_server.url}/procurement/bids/{bid.pk}/")
    _click(page, "bid-negotiation-link")
    page.fill("#id_price", price)
    if screenshot:
        screenshot()
    _click(page, "final-submit")
    _ok(page)
    assert page.get_by_test_id("final-receipt").is_visible()
    logout(page)


def _reviews(page, live_server, lot, officer, chair, *, fail=None):
    """The organiser's qualification review and the team's compliance review of each
    response still in; ``fail``: the bid the team finds non-compliant."""
    url = live_server.url
    bids = list(Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).order_by("pk"))
    login(page, live_server, officer.username, PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/evaluation/")
    for bid in bids:
        _click(page, f"review-qualification-{bid.pk}")
        _ok(page)
    # Every member gives a verdict; the committee concludes by majority (the chair last).
    team = [m.expert for m in lot.committee.members.order_by("role", "id")]
    for expert in sorted(team, key=lambda m: m == chair):
        logout(page)
        login(page, live_server, expert.username, PASSWORD)
        page.goto(f"{url}/procurement/lots/{lot.pk}/committee/")
        for bid in bids:
            form = page.get_by_test_id(f"review-compliance-{bid.pk}").locator("xpath=..")
            if bid == fail:
                form.locator("select[name=passed]").select_option("no")
                form.locator("input[name=reason]").fill("技术参数不满足采购需求第3项要求")
            _click(page, f"review-compliance-{bid.pk}")
            _ok(page)


def _confirm(page, live_server, lot, officer):
    login(page, live_server, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/procurement/lots/{lot.pk}/evaluation/")
    _click(page, "confirm-winner")
    _ok(page)
    return Award.objects.get(lot=lot)


# --- 竞争性谈判: two rounds, a written change, an exclusion, final quotations ----------

def test_negotiation_in_two_rounds_with_final_quotes_to_an_award(live_server, page,
                                                                  screenshot):
    url = live_server.url
    lot = LotFactory(opened=True, project__method=Project.Method.NEGOTIATION, bids=4,
                     project__title="魏都区政务服务中心办公家具采购")
    officer, team = _team(lot)
    chair = team[0]
    b0, b1, b2, b3 = _bids(lot)

    login(page, live_server, chair.username, PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/committee/")
    _click(page, "negotiation-link")
    _record_sessions(page, lot, "第一轮：就交货期、质保期逐项谈判")
    page.fill("#id_text", "交货期由合同签订后30日调整为20日；质保期由三年延长为五年。")
    _click(page, "issue-change")
    _ok(page)
    _click(page, "next-round")
    assert "2" in page.get_by_test_id("negotiation-round").inner_text()
    page.fill(f"[data-testid=exclude-reason-{b3.pk}]", "不接受变更后的交货期要求")
    _click(page, f"exclude-{b3.pk}")
    _ok(page)
    _record_sessions(page, lot, "第二轮：确认变更后的需求")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(hours=2))
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    screenshot("01-team-workspace")
    _click(page, "call-final")
    _ok(page)
    assert page.get_by_test_id("negotiation-status").inner_text() == str(
        Negotiation.Status.FINAL_QUOTES.label)
    assert Negotiation.objects.get(lot=lot).status == Negotiation.Status.FINAL_QUOTES
    logout(page)

    # Each supplier still in sees the change, not another's session, and seals its quote.
    prices = {b0: "468000.00", b1: "455000.00", b2: "459500.00"}
    for i, (bid, price) in enumerate(prices.items()):
        _final_quote(page, live_server, bid, price,
                     screenshot=(lambda: screenshot("02-supplier-final-quote")) if i == 0
                     else None)
    login(page, live_server, _supplier_user(b1).username, PASSWORD)
    page.goto(f"{url}/procurement/bids/{b1.pk}/negotiation/")
    page_text = page.inner_text("main")
    assert "交货期由合同签订后30日调整为20日" in page_text
    assert b0.supplier.name not in page_text  # its own sessions only
    assert page.get_by_test_id("my-final-price").inner_text() == "455,000.00"
    logout(page)

    # The last quotation opened them all: the team sees the final prices.
    login(page, live_server, chair.username, PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/negotiation/")
    assert page.get_by_test_id(f"final-{b1.pk}").inner_text() == "455,000.00"
    screenshot("03-final-quotes-opened")
    logout(page)

    _reviews(page, live_server, lot, officer, chair)
    _click(page, "submit-report")
    assert page.get_by_test_id("results-table").is_visible()
    screenshot("04-report")
    logout(page)
    award = _confirm(page, live_server, lot, officer)
    screenshot("05-awarded")
    assert award.bid == b1 and award.amount == Decimal("455000.00")
    b1.refresh_from_db()
    assert b1.opened_payload["price"] == "500001.00"  # the first response, kept


# --- 询价: one price each, the lowest compliant wins ----------------------------------

def test_request_for_quotations_awards_the_lowest_compliant_price(live_server, page,
                                                                  screenshot):
    lot = LotFactory(opened=True, project__method=Project.Method.QUOTATION, bids=4,
                     project__title="魏都区教育局复印纸询价采购")
    officer, team = _team(lot)
    chair = team[0]
    b0, b1, b2, _b3 = _bids(lot)
    # No rounds in a request for quotations: the page offers none.
    login(page, live_server, chair.username, PASSWORD)
    page.goto(f"{live_server.url}/procurement/lots/{lot.pk}/committee/")
    assert page.get_by_test_id("negotiation-link").count() == 0
    logout(page)
    _reviews(page, live_server, lot, officer, chair, fail=b0)  # the cheapest fails
    screenshot("01-reviewed")
    _click(page, "submit-report")
    ranks = {r.bid_id: r.rank for r in EvaluationResult.objects.filter(bid__lot=lot)}
    assert ranks[b1.pk] == 1 and ranks[b2.pk] == 2 and b0.pk not in ranks
    screenshot("02-report")
    logout(page)
    award = _confirm(page, live_server, lot, officer)
    screenshot("03-awarded")
    assert award.bid == b1 and award.amount == b1.price
    assert Bid.objects.get(pk=b2.pk).status == Bid.Status.LOST


# --- 竞争性磋商: the price weight in its range, rounds, final quotes, scoring -----------

def _service_demand(purchaser, price_weight, title):
    return DemandFactory(purchaser=purchaser, category="service", title=title, criteria=[
        {"kind": "price", "name": "价格", "weight": Decimal(price_weight)},
        {"kind": "technical", "name": "服务方案", "weight": Decimal(100 - price_weight)}])


def test_consultation_with_its_price_weights_to_an_award(live_server, page, screenshot):
    url = live_server.url
    purchaser = PurchaserFactory()
    officer = staff_of(purchaser)
    first = _service_demand(purchaser, 40, "政务中心物业服务A")
    second = _service_demand(purchaser, 30, "政务中心物业服务B")

    def draft(demand):
        page.goto(f"{url}/procurement/projects/create/?demand={demand.pk}")
        page.fill("#id_title", "魏都区政务服务中心物业服务竞争性磋商")
        page.select_option("#id_method", "consultation")
        page.fill("#id_lots-0-budget", "300000")
        _click(page, "project-submit")

    login(page, live_server, officer.username, PASSWORD)
    draft(first)
    refusal = page.inner_text("main")
    assert "财库〔2014〕214号 第24条" in refusal, refusal
    assert not Project.objects.filter(demand=first).exists()
    screenshot("01-price-weight-refused")
    draft(second)
    project = Project.objects.get(demand=second)
    assert project.method == Project.Method.CONSULTATION
    screenshot("02-price-weight-accepted")
    logout(page)

    # Approved, announced, three responses sealed and opened, the team drawn.
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.APPROVED, approved_at=timezone.now(),
        approved_by=member(purchaser, Membership.Role.APPROVER))
    project.refresh_from_db()
    announce(project)
    lot = project.lots.get()
    bidders(lot, 3, first_price=Decimal("290000.00"))
    lot = Lot.objects.get(pk=lot.pk)
    officer, team = _team(lot)
    chair = team[0]
    b0, b1, b2 = _bids(lot)

    login(page, live_server, chair.username, PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/negotiation/")
    _record_sessions(page, lot, "磋商：服务人员配置与考核")
    page.fill("#id_text", "保洁人员由12人增加至14人，其余服务要求不变。")
    _click(page, "issue-change")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(hours=1))
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    _click(page, "call-final")
    _ok(page)
    logout(page)
    for bid, price in ((b0, "286000.00"), (b1, "280000.00"), (b2, "284000.00")):
        _final_quote(page, live_server, bid, price)

    _reviews(page, live_server, lot, officer, chair)
    logout(page)
    # Every member scores every response on the factor besides price (≤70).
    points = {b0.pk: "66", b1.pk: "50", b2.pk: "58"}
    for expert in reversed(team):  # the chair last
        login(page, live_server, expert.username, PASSWORD)
        page.goto(f"{url}/procurement/lots/{lot.pk}/committee/")
        for bid in (b0, b1, b2):
            page.fill(f"[data-testid=score-{bid.pk}-1]", points[bid.pk])
            _click(page, f"score-save-{bid.pk}")
            _ok(page)
        if expert == chair:
            screenshot("03-chair-scored")
            _click(page, "submit-report")
            table = page.get_by_test_id("results-table").inner_text()
            assert re.search(r"1\s+" + re.escape(b0.supplier.name), table), table
            screenshot("04-report")
        logout(page)
    result = EvaluationResult.objects.get(bid=b1)
    assert result.price_score == Decimal("30.00")  # the lowest final quote: full weight
    award = _confirm(page, live_server, lot, officer)
    screenshot("05-awarded")
    # The best scored wins though dearer; the amount is its final quotation.
    assert award.bid == b0 and award.amount == Decimal("286000.00")
