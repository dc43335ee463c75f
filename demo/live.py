"""Demo tenders that move while ``make run`` is up, so a newcomer sees opening and
evaluation without typing a command.

- The live tender (education bureau): bidding closes a few minutes after the seed
  runs, with three sealed bids. Nothing opens it but the workers: the minute beat
  ``procurement-open-due-lots`` (and the task sent for its deadline) opens it by the
  server clock. Each run of the seed whose previous live tender is already past its
  deadline announces a fresh one, so ``make run`` a second time shows it again.
- The lot waiting for scores (health commission): opened this morning, qualification
  checked by the purchaser, its committee drawn — the experts review compliance and
  score on /expert/. Its bidders and the purchaser conflict with 郭振华, 何立新 and
  唐慧, so the draw takes exactly the five others (see ``demo.data.EXPERTS``).

Every step goes through the services with ``now=`` in the past where the statute
needs a period to have elapsed (intention 30 days, bidding 20 days), exactly as
``demo.contracts`` does for the contract stage."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from procurement import services
from procurement.models import Bid, BudgetLine, Committee, Project
from procurement.rules import suggest_sme_reservation

from .contracts import admin_of
from .documents import bid_document

LIVE_TITLE = "魏都区中小学录播教室设备采购"
LIVE_AFTER = dt.timedelta(minutes=5)  # the bid deadline, counted from the seed's run
SCORING_TITLE = "社区卫生服务中心信息化设备采购"
CRITERIA = [{"kind": "price", "name": "价格", "weight": "30"},
            {"kind": "technical", "name": "技术参数响应", "weight": "50"},
            {"kind": "commercial", "name": "售后服务与培训", "weight": "20"}]
LIVE = {"purchaser": "edu", "officer": "jyj_jb", "approver": "jyj_sp",
        "budget": ("2026-JY-005", "录播教室设备", Decimal("2000000")),
        "lot_budget": Decimal("460000"), "ceiling": Decimal("450000"),
        "item": {"name": "常态化录播系统（含摄像机、录播主机）", "catalog_code": "A02010100",
                 "quantity": "6", "unit": "套",
                 "specification": "4K摄像机不少于3路，支持自动跟踪和直播"},
        "bids": [("s8", Decimal("418800.00")), ("s2", Decimal("426000.00")),
                 ("s4", Decimal("437400.00"))]}
SCORING = {"purchaser": "health", "officer": "wjw_jb", "approver": "wjw_sp",
           "budget": ("2026-WJ-004", "社区卫生服务中心信息化设备", Decimal("600000")),
           "lot_budget": Decimal("560000"), "ceiling": Decimal("550000"),
           "item": {"name": "台式计算机", "catalog_code": "A02010100", "quantity": "80",
                    "unit": "台", "specification": "国产处理器，16G内存，512G固态硬盘"},
           "bids": [("s1", Decimal("512000.00")), ("s4", Decimal("527200.00")),
                    ("s8", Decimal("536000.00"))]}


def seed(orgs: dict, *, now=None) -> dict:
    """Both demo tenders; returns what the seed prints: the live project and its
    deadline, the waiting lot and its committee."""
    now = now or timezone.now()
    return {"live": _live_tender(orgs, now), "scoring": _lot_waiting_for_scores(orgs, now)}


def _live_tender(orgs, now) -> Project:
    current = Project.objects.filter(
        purchaser=orgs[LIVE["purchaser"]], title=LIVE_TITLE,
        status=Project.Status.ANNOUNCED, bid_deadline__gt=now + dt.timedelta(minutes=1),
    ).order_by("-bid_deadline").first()
    if current is not None:  # a re-run within minutes: the one announced still opens
        return current
    deadline = timezone.localtime(now).replace(second=0, microsecond=0) + LIVE_AFTER
    return _tender(orgs, LIVE, LIVE_TITLE, deadline)


def _lot_waiting_for_scores(orgs, now):
    project = Project.objects.filter(purchaser=orgs[SCORING["purchaser"]],
                                     title=SCORING_TITLE).first()
    if project is not None:
        return project.lots.get()
    opening = timezone.localtime(now).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    project = _tender(orgs, SCORING, SCORING_TITLE, opening)
    lot = project.lots.get()
    services.lot_open(lot=lot, now=opening)
    officer = User.objects.get(username=SCORING["officer"])
    services.committee_draw(lot=lot, actor=officer, now=opening + dt.timedelta(minutes=20))
    # The purchaser's part (87号令 第44条) is done; compliance and scores are the experts'.
    for bid in Bid.objects.filter(lot=lot, status=Bid.Status.OPENED):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=officer,
                            now=opening + dt.timedelta(minutes=40))
    return lot


def _tender(orgs, spec, title, deadline) -> Project:
    """Announce ``title`` 22 days before ``deadline`` and seal the bids of ``spec``."""
    purchaser = orgs[spec["purchaser"]]
    officer = User.objects.get(username=spec["officer"])
    approver = User.objects.get(username=spec["approver"])
    documents_from = deadline - dt.timedelta(days=22)
    announced = documents_from - dt.timedelta(hours=1)
    code, name, amount = spec["budget"]
    budget = BudgetLine.objects.filter(purchaser=purchaser, code=code).first() or \
        services.budget_line_create(purchaser=purchaser, year=deadline.year, code=code,
                                    name=name, amount=amount, source="fiscal", actor=officer)
    intention = purchaser.intentions.filter(title=title).first() or \
        services.intention_publish(purchaser=purchaser, title=title, summary=f"{title}项目",
                                   budget=spec["lot_budget"],
                                   expected_month=documents_from.date(), actor=officer,
                                   now=announced - dt.timedelta(days=45))
    item = spec["item"]
    demand = services.demand_create(
        purchaser=purchaser, actor=officer, budget_line=budget, intention=intention,
        title=title, category="goods", evaluation_method="scoring",
        now=announced - dt.timedelta(days=5),
        technical_requirements=f"{item['name']}{item['quantity']}{item['unit']}："
                               f"{item['specification']}。",
        commercial_requirements="合同签订后30日内交货、安装、培训；质保期不少于3年。本项目不收取"
                                "投标保证金和履约保证金。",
        qualification_conditions="", items=[item], criteria=CRITERIA)
    reservation, share = suggest_sme_reservation(category="goods", budget=spec["lot_budget"])
    project = services.project_create(
        purchaser=purchaser, actor=officer, demand=demand, title=title, method="open",
        lots=[{"title": title.removesuffix("采购"), "budget": spec["lot_budget"],
               "ceiling_price": spec["ceiling"], "sme_reservation": reservation,
               "reserved_share": share, "items": list(demand.items.all())}],
        contact_name=purchaser.contact_name, contact_phone=purchaser.contact_phone,
        now=announced - dt.timedelta(days=4))
    services.project_submit(project=project, actor=officer, now=announced - dt.timedelta(days=3))
    services.project_approve(project=project, actor=approver,
                             now=announced - dt.timedelta(days=2))
    services.project_announce(project=project, actor=officer, documents_from=documents_from,
                              # to the deadline: 5 working days even across a holiday week
                              documents_until=deadline,
                              bid_deadline=deadline, now=announced)
    lot = project.lots.get()
    for i, (key, price) in enumerate(spec["bids"]):
        supplier = orgs[key]
        services.bid_submit(
            lot=lot, supplier=supplier, user=admin_of(supplier), price=price,
            sme_scale=supplier.scale, sme_items_by_smes=True,
            contact_name=supplier.contact_name, contact_phone=supplier.contact_phone,
            lines=[{"item": item["name"], "quantity": item["quantity"],
                    "unit_price": price / Decimal(item["quantity"])}],
            files=[services.Upload("投标文件.pdf", bid_document(
                lot=lot, supplier=supplier, item=item, price=price))],
            now=documents_from + dt.timedelta(days=3, hours=i))
    project.refresh_from_db()  # the announcement set the deadline on its own copy
    return project


def committee_of(lot) -> list[User]:
    committee = Committee.objects.filter(lot=lot).first()
    if committee is None:
        return []
    return [m.expert for m in committee.members.select_related("expert").order_by("role", "id")]
