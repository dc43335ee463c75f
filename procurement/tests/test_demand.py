from decimal import Decimal

import pytest

from audit.models import AuditEvent
from core.exceptions import DomainError
from procurement import services
from procurement.models import Demand, FairnessFinding
from procurement.tests.fixtures import NOW, demand_data

pytestmark = pytest.mark.django_db


def create(alice, org, budget, **overrides):
    return services.demand_create(purchaser=org, actor=alice, budget_line=budget, now=NOW,
                                  **demand_data(**overrides))


def test_a_fair_demand_passes(alice, purchaser_org, budget):
    demand = create(alice, purchaser_org, budget)
    assert demand.status == Demand.Status.CHECKED
    assert not demand.findings.exists()
    assert demand.items.get().catalog_item_id == "A02010105"


@pytest.mark.parametrize(("text", "basis"), [
    ("投标人须在许昌市设立分支机构或售后服务网点", "春风行动"),
    ("供应商注册资本不低于1000万元", "财库〔2020〕46号"),
    ("成立时间满5年以上", "春风行动"),
    ("外资企业不得参与投标", "外商投资法"),
    ("投标文件未胶装或装订错误的按无效投标处理", "87号令 第63条"),
    ("投标人须缴纳投标保证金2万元", "春风行动 第19条"),
])
def test_clear_violations_are_refused_with_the_rule_and_nothing_is_saved(
    alice, purchaser_org, budget, text, basis
):
    with pytest.raises(DomainError) as exc:
        create(alice, purchaser_org, budget, qualification_conditions=text)
    assert exc.value.code == "fair_competition"
    assert basis in str(exc.value.basis)
    assert exc.value.field == "qualification_conditions"
    assert not Demand.objects.exists()


def test_saying_there_is_no_bond_is_fine(alice, purchaser_org, budget):
    demand = create(alice, purchaser_org, budget,
                    commercial_requirements="本项目不收取投标保证金和履约保证金。")
    assert not demand.findings.exists()


def test_a_named_brand_is_a_warning_to_justify(alice, purchaser_org, budget):
    demand = create(alice, purchaser_org, budget,
                    technical_requirements="操作系统预装正版，品牌：联想。")
    finding = demand.findings.get()
    assert finding.severity == "warn" and finding.topic == "brand"
    assert create(alice, purchaser_org, budget,
                  technical_requirements="参考品牌：联想或相当于。").findings.count() == 0

    with pytest.raises(DomainError):
        services.demand_override_finding(finding=finding, actor=alice, justification="短")
    services.demand_override_finding(
        finding=finding, actor=alice,
        justification="学校现有教学管理软件只兼容该品牌的设备驱动，已组织论证。")
    finding.refresh_from_db()
    assert finding.overridden_by == alice
    assert AuditEvent.objects.filter(action="demand.override").exists()


def test_a_clear_violation_cannot_be_overridden(alice, purchaser_org, budget):
    demand = create(alice, purchaser_org, budget)
    finding = FairnessFinding.objects.create(
        demand=demand, severity="block", topic="locality", field="x", excerpt="须在本地注册",
        message="m", basis="春风行动")
    with pytest.raises(DomainError):
        services.demand_override_finding(finding=finding, actor=alice,
                                         justification="这是一个足够长的理由说明文字")


def test_weights_must_add_up_to_100(alice, purchaser_org, budget):
    bad = [{"kind": "price", "name": "价格", "weight": Decimal("40")},
           {"kind": "technical", "name": "技术", "weight": Decimal("50")}]
    with pytest.raises(DomainError) as exc:
        create(alice, purchaser_org, budget, criteria=bad)
    assert exc.value.code == "weights"


def test_price_weight_for_goods_is_at_least_30(alice, purchaser_org, budget):
    low = [{"kind": "price", "name": "价格", "weight": Decimal("20")},
           {"kind": "technical", "name": "技术", "weight": Decimal("80")}]
    with pytest.raises(DomainError) as exc:
        create(alice, purchaser_org, budget, criteria=low)
    assert exc.value.code == "price_weight" and "87号令 第55条" in exc.value.basis


def test_unknown_catalogue_code_is_refused(alice, purchaser_org, budget):
    items = [{"name": "x", "catalog_code": "Z999", "quantity": Decimal("1"), "unit": "个"}]
    with pytest.raises(DomainError):
        create(alice, purchaser_org, budget, items=items)


def test_a_supplier_cannot_draft_a_demand(bob, budget):
    from conftest import org_of

    with pytest.raises(DomainError):
        services.demand_create(purchaser=org_of(bob), actor=bob, budget_line=None,
                               **demand_data())
