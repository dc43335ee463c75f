"""Demo procurement: budgets, intentions, and one live tender on the public portal."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization, User
from core.exceptions import DomainError
from procurement import services
from procurement.models import BudgetLine, Project
from procurement.rules import suggest_sme_reservation

MAINTENANCE = "中小学计算机教室运维服务"


def _interceptions(edu: Organization, officer: User, line: BudgetLine, intention) -> None:
    """What the finance bureau's compliance interceptions list shows (/supervision/
    interceptions/), made through the services as a purchaser would: a demand refused by
    the fair-competition check (a registered-capital threshold; the check cites 87号令
    第17条, which RULES.md does not hold: verify), and the same demand drafted without
    it, whose on-site response time the platform warns about and the purchaser keeps,
    with its reason."""
    if edu.demands.filter(title=MAINTENANCE).exists():
        return
    fields = {
        "purchaser": edu, "actor": officer, "budget_line": line, "intention": intention,
        "title": MAINTENANCE, "category": "services", "evaluation_method": "scoring",
        "technical_requirements": "负责全区中小学计算机教室设备的日常维护、故障维修和系统"
                                  "升级。",
        "commercial_requirements": "服务期一年；接到报修后2小时内到达现场。",
        "items": [{"name": "计算机教室运维服务", "catalog_code": "C16070000",
                   "quantity": "1", "unit": "项"}],
        "criteria": [{"kind": "price", "name": "价格", "weight": "30"},
                     {"kind": "technical", "name": "运维方案", "weight": "70"}]}
    try:
        services.demand_create(**fields, qualification_conditions="投标人注册资金须达到500万元"
                                                                 "以上。")
    except DomainError:
        pass  # refused, and recorded for supervision (core.refusals)
    demand = services.demand_create(**fields, qualification_conditions="")
    for finding in demand.findings.filter(overridden_at__isnull=True, severity="warn"):
        services.demand_override_finding(
            finding=finding, actor=officer,
            justification="学校机房故障直接影响正常教学，两小时到场的要求经学校论证确有"
                          "必要，且不限定供应商所在地。")


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
    _interceptions(orgs["edu"], officer["edu"], lines["edu"], intentions["edu"])
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
