"""The procurement life as fixtures: budget, intention, demand and project through the
services (cheap, and what procurement's own tests are about); the opened lot built by
the factories (``procurement.tests.factories``) — the tender journey itself is walked
through the services in test_steps_services.py and the browser tests."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, UserFactory
from procurement import services
from procurement.tests import factories

# The tender's dates and contents live with the factories; tests import them from here.
from procurement.tests.factories import BID_FILE as PDF  # noqa: F401
from procurement.tests.factories import CRITERIA, CST, DEADLINE, ITEMS, NOW  # noqa: F401


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
def opened(approved):
    """The tender announced, three SME bidders sealed (``投标人0`` lowest at 500,000
    yuan, one yuan apart), and the lot opened at ``DEADLINE``: the rows ``project_announce``,
    ``bid_submit`` and ``lot_open`` leave, written by the factories (no status-change
    rows, audit events or messages — a test of those takes the services' journey)."""
    factories.announce(approved)
    lot = approved.lots.get()
    bidders = factories.bidders(lot)
    lot.refresh_from_db()
    approved.refresh_from_db()
    return lot, bidders


def pool(n):
    """n available experts without any conflict."""
    return factories.experts(n)


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
