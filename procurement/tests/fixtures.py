import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, UserFactory
from procurement import services

CST = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday, after Spring Festival 2026
DEADLINE = NOW + dt.timedelta(days=21)
PDF = b"%PDF-1.7\n%%EOF\n"

ITEMS = [{"name": "台式计算机", "catalog_code": "A02010105", "quantity": Decimal("60"),
          "unit": "台", "specification": "处理器不低于8核，内存16GB，固态硬盘512GB",
          "is_core": True}]
CRITERIA = [
    {"kind": "price", "name": "价格", "weight": Decimal("40"), "description": ""},
    {"kind": "technical", "name": "技术参数响应", "weight": Decimal("45"), "description": ""},
    {"kind": "commercial", "name": "售后服务方案", "weight": Decimal("15"), "description": ""},
]


def demand_data(**overrides):
    data = {
        "title": "魏都区中小学计算机教室设备采购",
        "category": "goods",
        "technical_requirements": "计算机60台，满足教学需要；提供三年原厂质保。",
        "commercial_requirements": "合同签订后30日内交货安装。",
        "qualification_conditions": "",
        "evaluation_method": "scoring",
        "items": ITEMS,
        "criteria": CRITERIA,
    }
    data.update(overrides)
    return data


@pytest.fixture
def approver(purchaser_org):
    user = UserFactory(username="dave", real_name="韩雪")
    MembershipFactory(user=user, organization=purchaser_org, role=Membership.Role.APPROVER)
    return user


@pytest.fixture
def budget(alice, purchaser_org):
    return services.budget_line_create(
        purchaser=purchaser_org, year=2026, code="2026-JY-001", name="中小学信息化设备",
        amount=Decimal("800000"), source="fiscal", actor=alice)


@pytest.fixture
def intention(alice, purchaser_org):
    return services.intention_publish(
        purchaser=purchaser_org, title="计算机教室设备", summary="计算机60台",
        budget=Decimal("600000"), expected_month=dt.date(2026, 3, 1), actor=alice,
        now=NOW - dt.timedelta(days=40))


@pytest.fixture
def demand(alice, purchaser_org, budget, intention):
    return services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                  intention=intention, now=NOW, **demand_data())


def lots(budget=Decimal("600000"), ceiling=Decimal("580000")):
    return [{"title": "计算机教室设备", "budget": budget, "ceiling_price": ceiling,
             "sme_reservation": "whole", "reserved_share": Decimal("100")}]


@pytest.fixture
def project(alice, purchaser_org, demand):
    return services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title=demand.title,
        method="open", lots=lots(), contact_name="李爱丽", contact_phone="0374-2961020",
        now=NOW)


@pytest.fixture
def approved(project, alice, approver):
    services.project_submit(project=project, actor=alice, now=NOW)
    return services.project_approve(project=project, actor=approver, now=NOW)


@pytest.fixture
def opened(approved, alice):
    """The tender announced, three SME bidders sealed, and the lot opened."""
    from accounts.tests.factories import SupplierFactory

    services.project_announce(project=approved, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    lot = approved.lots.get()
    bidders = []
    for i in range(3):
        org = SupplierFactory(name=f"投标人{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("500000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                            now=NOW + dt.timedelta(days=2))
        bidders.append(org)
    services.lot_open(lot=lot, now=DEADLINE)
    lot.refresh_from_db()
    return lot, bidders


def pool(n):
    """n available experts without any conflict."""
    from accounts.tests.factories import ExpertProfileFactory

    return [ExpertProfileFactory().user for _ in range(n)]


@pytest.fixture
def live_tender(project, alice, approver):
    """A tender open for bidding by the real clock (the other fixtures run in March 2026),
    with an agency entrusted: for tests that go through HTTP, where the server clock rules."""
    from django.utils import timezone

    from accounts.tests.factories import OrganizationFactory

    project.agency = OrganizationFactory(name="河南中原招标代理有限公司", kind="agency")
    project.save(update_fields=["agency"])
    services.project_submit(project=project, actor=alice)
    services.project_approve(project=project, actor=approver)
    start = timezone.now()
    services.project_announce(project=project, actor=alice, documents_from=start,
                              documents_until=start + dt.timedelta(days=10),
                              bid_deadline=start + dt.timedelta(days=25), now=start)
    project.refresh_from_db()
    return project
