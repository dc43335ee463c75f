"""Demo procurement: budgets, intentions, and one live tender on the public portal."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization, User
from procurement import services
from procurement.models import BudgetLine, Project
from procurement.rules import suggest_sme_reservation


def seed(orgs: dict) -> None:
    now = timezone.now()
    officer = {"edu": User.objects.get(username="jyj_jb"),
               "health": User.objects.get(username="wjw_jb")}
    budgets = {
        "edu": ("2026-JY-001", "中小学信息化设备", Decimal("800000")),
        "health": ("2026-WJ-003", "社区卫生服务中心医疗设备", Decimal("1500000")),
    }
    lines = {}
    for key, (code, name, amount) in budgets.items():
        org: Organization = orgs[key]
        lines[key] = BudgetLine.objects.filter(purchaser=org, code=code).first() or \
            services.budget_line_create(purchaser=org, year=now.year, code=code, name=name,
                                        amount=amount, source="fiscal", actor=officer[key])
    # Intentions published 40 days ago: the procurement may start now (财库〔2020〕10号).
    intentions = {}
    for key, title, budget in [("edu", "中小学计算机教室设备", Decimal("600000")),
                               ("health", "社区卫生服务中心医疗设备", Decimal("1200000"))]:
        org = orgs[key]
        intentions[key] = org.intentions.filter(title=title).first() or \
            services.intention_publish(purchaser=org, title=title, summary=f"{title}采购",
                                       budget=budget, expected_month=now.date(),
                                       actor=officer[key], now=now - dt.timedelta(days=40))
    health = orgs["health"]
    if Project.objects.filter(purchaser=health, title="社区卫生服务中心医疗设备采购").exists():
        return
    demand = services.demand_create(
        purchaser=health, actor=officer["health"], budget_line=lines["health"],
        intention=intentions["health"], title="社区卫生服务中心医疗设备采购", category="goods",
        technical_requirements="全自动生化分析仪1台、彩色多普勒超声诊断仪1台，参数详见附件；"
                               "设备须取得医疗器械注册证。",
        commercial_requirements="合同签订后45日内交货、安装、培训；质保期不少于3年。本项目不收取"
                                "投标保证金和履约保证金。",
        qualification_conditions="具有医疗器械经营许可证或备案凭证。",
        evaluation_method="scoring",
        items=[{"name": "全自动生化分析仪", "catalog_code": "A02320000", "quantity": "1",
                "unit": "台", "is_core": True},
               {"name": "彩色多普勒超声诊断仪", "catalog_code": "A02320000", "quantity": "1",
                "unit": "台"}],
        criteria=[{"kind": "price", "name": "价格", "weight": "30"},
                  {"kind": "technical", "name": "技术参数响应", "weight": "50"},
                  {"kind": "commercial", "name": "售后服务与培训", "weight": "20"}])
    budget = Decimal("1180000")
    reservation, share = suggest_sme_reservation(category="goods", budget=budget)
    project = services.project_create(
        purchaser=health, actor=officer["health"], demand=demand, title=demand.title,
        method="open", agency=orgs["agency"], contact_name="赵丽", contact_phone="0374-2961039",
        lots=[{"title": "医疗设备", "budget": budget, "ceiling_price": Decimal("1150000"),
               "sme_reservation": reservation, "reserved_share": share}])
    services.project_submit(project=project, actor=officer["health"])
    services.project_approve(project=project, actor=User.objects.get(username="wjw_sp"))
    start = timezone.localtime(now).replace(second=0, microsecond=0)  # documents out now
    services.project_announce(project=project, actor=officer["health"], documents_from=start,
                              documents_until=start + dt.timedelta(days=10),
                              bid_deadline=(start + dt.timedelta(days=22)).replace(hour=9))
