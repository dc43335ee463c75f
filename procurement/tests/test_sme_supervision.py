"""The finance bureau sees each purchaser's share reserved for SMEs by year, and every
lot left unreserved with its reason (财库〔2020〕46号 第6–8条)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import services
from procurement.tests.factories import LotFactory, ProjectFactory, PurchaserFactory
from procurement.tests.fixtures import NOW, demand_data
from workspaces.selectors import lots_not_reserved, sme_reserved_shares

pytestmark = pytest.mark.django_db


def project(purchaser, year, *lots, **state):
    """A project of ``purchaser`` in budget year ``year`` with ``lots`` (budget,
    reservation, reserved share, lot status)."""
    p = ProjectFactory(purchaser=purchaser, lot=None, demand__budget_line__year=year,
                       **state)
    for budget, reservation, share, *status in lots:
        LotFactory(project=p, budget=Decimal(budget), ceiling_price=None,
                   sme_reservation=reservation,
                   reserved_share=Decimal(share) if share else None,
                   **({"status": status[0]} if status else {}))
    return p


def test_the_reserved_share_is_reserved_lots_over_all_lots_per_purchaser_and_year():
    a, b = PurchaserFactory(name="甲单位"), PurchaserFactory(name="乙单位")
    project(a, 2026, ("600000", "whole", "100"), ("3000000", "partial", "40"),
            ("400000", "none", None), approved=True)
    project(a, 2026, ("100000", "whole", "100", "failed"), ("500000", "none", None),
            approved=True)  # a failed lot counts for nothing
    project(a, 2026, ("900000", "whole", "100"))  # a draft is not yet the unit's decision
    project(a, 2025, ("200000", "none", None), approved=True)
    project(b, 2026, ("1000000", "whole", "100"), announced=True)

    rows = {(r["purchaser"], r["year"]): r for r in sme_reserved_shares()}
    assert set(rows) == {("甲单位", 2026), ("甲单位", 2025), ("乙单位", 2026)}
    # 甲 2026: 600,000 + 40 % of 3,000,000 = 1,800,000 of 4,500,000 = 40 %.
    this = rows[("甲单位", 2026)]
    assert (this["total"], this["reserved"], this["share"]) == (
        Decimal("4500000.00"), Decimal("1800000.00"), Decimal("40.00"))
    assert rows[("甲单位", 2025)]["share"] == Decimal("0.00")
    assert rows[("乙单位", 2026)]["share"] == Decimal("100.00")
    assert [r["year"] for r in sme_reserved_shares(year=2025)] == [2025]
    # Latest year first, then by purchaser.
    assert [(r["year"], r["purchaser"]) for r in sme_reserved_shares()] == [
        (2026, "乙单位"), (2026, "甲单位"), (2025, "甲单位")]


def test_an_unreserved_lot_and_its_reason_are_on_the_supervision_desk(
        client, alice, purchaser_org, supervisor):
    line = services.budget_line_create(
        purchaser=purchaser_org, year=2026, code="2026-JY-901", name="教育信息化",
        amount=Decimal("5000000"), source="fiscal", actor=alice)
    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=line,
                                    now=NOW, **demand_data())
    drafted = services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title=demand.title,
        method="open", contact_name="李爱丽", contact_phone="0374-2961020", now=NOW,
        lots=[{"title": "专用教学软件", "budget": Decimal("1500000"),
               "sme_reservation": "none", "not_reserved_reason": "only_large",
               "not_reserved_detail": "需使用不可替代的专有技术，只能向原厂采购"}])
    lot = lots_not_reserved()[0]
    assert lot.project == drafted and "第6条第（二）项" in lot.reason_basis

    client.force_login(supervisor)
    body = client.get(reverse("workspaces:supervision")).content.decode()
    assert 'data-testid="sme-not-reserved"' in body
    assert "需使用不可替代的专有技术，只能向原厂采购" in body and drafted.code in body
    assert 'data-testid="sme-shares"' in body
