"""Demo contracts: an earlier tender of the education bureau, carried through the
services with past timestamps, so that a newcomer sees the contract stage live.

- Lot 1 (student desks and chairs) was awarded eight working days ago: the contract was
  signed, published and filed, the advance paid, the furniture delivered and accepted,
  and the final invoice arrived yesterday — the payment clock is running for the
  purchaser, and the winner has asked a bank for contract financing.
- Lot 2 (office printers) was awarded yesterday: the purchaser has signed the contract
  and the winner's signature is awaited on its signing clock.

Every step goes through the same services a person's click does: the clocks, the
notices, the ledger, the inbox and the audit trail are what they would be."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Organization, User
from contracts import services as contracts
from financing import services as financing
from financing.models import FinancingOffer
from procurement import services
from procurement.models import Bid, BudgetLine, Project
from procurement.rules import suggest_sme_reservation
from workdays.services import add_workdays, subtract_workdays

from .documents import bid_document

CST = ZoneInfo("Asia/Shanghai")
TITLE = "魏都区中小学教室家具和办公设备采购"
PDF = b"%PDF-1.7\n1 0 obj << /Title (demo) >> endobj\ntrailer\n%%EOF\n"
CRITERIA = [{"kind": "price", "name": "价格", "weight": "30"},
            {"kind": "technical", "name": "技术参数和产品质量", "weight": "50"},
            {"kind": "commercial", "name": "供货、安装与售后服务", "weight": "20"}]
LOTS = [
    {"title": "学生课桌椅", "budget": Decimal("900000"), "ceiling_price": Decimal("880000"),
     "item": {"name": "学生升降课桌椅（单人套）", "catalog_code": "A05019900",
              "quantity": "1200", "unit": "套",
              "specification": "钢木结构，桌面可升降，符合GB/T 3976—2014"},
     # supplier key, price, technical and commercial points given by each expert
     "bids": [("s9", Decimal("828000.00"), 46, 18), ("s2", Decimal("846000.00"), 41, 16),
              ("s5", Decimal("859200.00"), 38, 15)]},
    {"title": "教师办公打印机", "budget": Decimal("360000"), "ceiling_price": Decimal("350000"),
     "item": {"name": "A4黑白激光打印机", "catalog_code": "A02021003", "quantity": "180",
              "unit": "台", "specification": "双面打印，网络接口，月负荷不低于2万页"},
     "bids": [("s5", Decimal("318600.00"), 45, 18), ("s1", Decimal("329940.00"), 42, 17),
              ("s2", Decimal("336060.00"), 39, 15)]},
]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CST)


def admin_of(org: Organization) -> User:
    return org.memberships.filter(is_active=True).select_related("user").first().user


def seed(orgs: dict) -> None:
    edu = orgs["edu"]
    if Project.objects.filter(purchaser=edu, title=TITLE).exists():
        return
    officer, approver = User.objects.get(username="jyj_jb"), User.objects.get(username="jyj_sp")
    today = timezone.localdate()
    awarded_1 = subtract_workdays(today, 8)  # lot 1's report and award
    awarded_2 = subtract_workdays(today, 1)  # lot 2's
    opening = at(subtract_workdays(awarded_1, 2), 9, 30)
    documents_from = at(opening.date() - dt.timedelta(days=22), 9)
    announced = documents_from - dt.timedelta(hours=1)

    budget = BudgetLine.objects.filter(purchaser=edu, code="2026-JY-002").first() or \
        services.budget_line_create(purchaser=edu, year=today.year, code="2026-JY-002",
                                    name="教室家具和办公设备", amount=Decimal("1300000"),
                                    source="fiscal", actor=officer)
    intention = services.intention_publish(
        purchaser=edu, title="中小学教室家具和办公设备",
        summary="学生课桌椅1200套、办公打印机180台",
        budget=Decimal("1260000"), expected_month=documents_from.date(), actor=officer,
        now=announced - dt.timedelta(days=45))
    demand = services.demand_create(
        purchaser=edu, actor=officer, budget_line=budget, intention=intention, title=TITLE,
        category="goods", evaluation_method="scoring", now=announced - dt.timedelta(days=5),
        technical_requirements="学生升降课桌椅1200套；A4黑白激光打印机180台。参数详见采购文件。",
        commercial_requirements="合同签订后20日内送货、安装到各校；质保期不少于3年。本项目不收取"
                                "投标保证金和履约保证金。",
        qualification_conditions="",
        items=[lot["item"] for lot in LOTS], criteria=CRITERIA)
    items = {item.name: item for item in demand.items.all()}
    lots = []
    for lot in LOTS:
        reservation, share = suggest_sme_reservation(category="goods", budget=lot["budget"])
        lots.append({"title": lot["title"], "budget": lot["budget"],
                     "ceiling_price": lot["ceiling_price"], "sme_reservation": reservation,
                     "reserved_share": share, "items": [items[lot["item"]["name"]]]})
    project = services.project_create(
        purchaser=edu, actor=officer, demand=demand, title=TITLE, method="open", lots=lots,
        contact_name="李明", contact_phone="0374-2961020", now=announced - dt.timedelta(days=4))
    services.project_submit(project=project, actor=officer, now=announced - dt.timedelta(days=3))
    services.project_approve(project=project, actor=approver,
                             now=announced - dt.timedelta(days=2))
    services.project_announce(project=project, actor=officer, documents_from=documents_from,
                              documents_until=documents_from + dt.timedelta(days=7),
                              bid_deadline=opening, now=announced)

    for spec, lot in zip(LOTS, project.lots.order_by("number"), strict=True):
        for i, (key, price, _technical, _commercial) in enumerate(spec["bids"]):
            supplier = orgs[key]
            services.bid_submit(
                lot=lot, supplier=supplier, user=admin_of(supplier), price=price,
                sme_scale=supplier.scale, sme_items_by_smes=True,
                contact_name=supplier.contact_name, contact_phone=supplier.contact_phone,
                lines=[{"item": spec["item"]["name"], "quantity": spec["item"]["quantity"],
                        "unit_price": price / Decimal(spec["item"]["quantity"])}],
                files=[services.Upload("投标文件.pdf", bid_document(
                    lot=lot, supplier=supplier, item=spec["item"], price=price))],
                now=documents_from + dt.timedelta(days=3, hours=i))
        services.lot_open(lot=lot, now=opening)

    lot_1, lot_2 = project.lots.order_by("number")
    award_1 = _evaluate_and_award(lot_1, LOTS[0], orgs, officer, at(awarded_1, 10))
    award_2 = _evaluate_and_award(lot_2, LOTS[1], orgs, officer, at(awarded_2, 10))
    _lot_1_paid_in_part(award_1, officer, awarded_1, today, orgs)
    _lot_2_awaiting_signature(award_2, officer, awarded_2)


def _evaluate_and_award(lot, spec, orgs, officer, moment):
    """Committee, reviews, scores and report at ``moment``; the award an hour later."""
    committee = services.committee_draw(lot=lot, actor=officer, now=moment)
    experts = [m.expert for m in committee.members.order_by("role", "id")]
    chair = committee.members.get(role="chair").expert
    criteria = {c.kind: c for c in lot.project.demand.criteria.exclude(kind="price")}
    points = {orgs[key].pk: (technical, commercial)
              for key, _price, technical, commercial in spec["bids"]}
    for bid in Bid.objects.filter(lot=lot, status="opened").select_related("supplier"):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=officer,
                            now=moment)
        for expert in experts:  # each member's own compliance verdict
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=expert,
                                now=moment)
        technical, commercial = points[bid.supplier_id]
        for expert in experts:
            services.score_submit(bid=bid, expert=expert, now=moment, points={
                criteria["technical"].pk: Decimal(technical),
                criteria["commercial"].pk: Decimal(commercial)})
    results = services.evaluation_complete(lot=lot, actor=chair,
                                           now=moment + dt.timedelta(minutes=30))
    return services.award_confirm(lot=lot, bid=results[0].bid, actor=officer,
                                  now=moment + dt.timedelta(hours=1))


def _terms(award, day, **extra):
    supplier = award.bid.supplier
    return {"delivery_place": "魏都区各中小学（清单见采购文件）",
            "delivery_deadline": day + dt.timedelta(days=30), "payment_term": 2,
            "payment_term_unit": "workdays", "payee_name": supplier.name,
            "payee_bank": "中国工商银行股份有限公司许昌魏都支行",
            "payee_account": f"62220217080{supplier.pk:08d}", "secret_fields": ["unit_prices"],
            **extra}


def _sign_both(contract, officer, winner, moment):
    contract = contracts.contract_sign(contract=contract, actor=officer,
                                       organization=contract.purchaser,
                                       pdf_sha256=contract.pdf_sha256, now=moment)
    return contracts.contract_sign(contract=contract, actor=winner,
                                   organization=contract.supplier,
                                   pdf_sha256=contract.pdf_sha256,
                                   now=moment + dt.timedelta(hours=1))


def _lot_1_paid_in_part(award, officer, day, today, orgs):
    winner = admin_of(award.bid.supplier)
    delivered = subtract_workdays(today, 3)
    contract = contracts.contract_draft(
        award=award, actor=officer, now=at(day, 14), advance_percent=Decimal("50"),
        milestones=[{"title": "课桌椅送达各校", "due_date": delivered},
                    {"title": "安装调试完毕", "due_date": add_workdays(delivered, 2)}],
        **_terms(award, day))
    contract = _sign_both(contract, officer, winner, at(day, 15))
    next_day = add_workdays(day, 1)
    contracts.contract_publish(contract=contract, actor=officer, now=at(next_day, 9))
    contracts.contract_file(contract=contract, actor=officer, now=at(next_day, 9, 30))
    contracts.payment_record(contract=contract, actor=officer, amount=contract.advance_amount,
                             paid_on=next_day, voucher=f"PZ-{day:%Y%m}-0117",
                             now=at(next_day, 16))
    first, second = contract.milestones.order_by("due_date", "id")
    contracts.milestone_done(milestone=first, actor=winner, note="1200套已全部送达",
                             now=at(delivered, 17))
    requested = at(subtract_workdays(today, 2), 10)
    contracts.milestone_done(milestone=second, actor=winner, note="已逐校安装、调节高度",
                             now=requested - dt.timedelta(hours=1))
    acceptance = contracts.acceptance_request(contract=contract, actor=winner,
                                              note="全部课桌椅已安装到位，请组织验收。",
                                              now=requested)
    contracts.acceptance_record(acceptance=acceptance, actor=officer, passed=True,
                                items_checked="抽检课桌椅60套：尺寸、升降、焊接和漆面",
                                members=["李明", "韩雪", "魏都区实验小学 孙悦"],
                                now=at(subtract_workdays(today, 1), 11))
    invoiced = at(subtract_workdays(today, 1), 15)
    contracts.invoice_submit(contract=contract, actor=winner, number="41002600000871",
                             amount=contract.amount - contract.advance_amount,
                             issued_on=invoiced.date(), file_name="增值税普通发票.pdf",
                             file_data=PDF, now=invoiced)
    offer = FinancingOffer.objects.filter(bank=orgs["bank"], is_active=True).first()
    if offer is not None:
        financing.financing_apply(supplier=contract.supplier, contract=contract, offer=offer,
                                  amount=Decimal("300000"), actor=winner,
                                  now=invoiced + dt.timedelta(minutes=30))


def _lot_2_awaiting_signature(award, officer, day):
    contract = contracts.contract_draft(
        award=award, actor=officer, now=at(day, 14),
        milestones=[{"title": "打印机送达并安装", "due_date": day + dt.timedelta(days=20)}],
        **_terms(award, day))
    contracts.contract_sign(contract=contract, actor=officer, organization=contract.purchaser,
                            pdf_sha256=contract.pdf_sha256, now=at(day, 15))
