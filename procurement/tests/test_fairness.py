"""The fair-competition check: the clause reader, fees under each rule profile, and the
demand services that refuse or warn with the basis."""

from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from core.exceptions import DomainError
from procurement import services
from procurement.admin import FairnessPatternForm
from procurement.data import fairness_patterns
from procurement.fairness import (
    chinese_number,
    read_amounts,
    read_clauses,
    read_percentages,
    scan,
)
from procurement.models import Demand, FairnessFinding, FairnessPattern
from procurement.tests.fixtures import NOW, demand_data

pytestmark = pytest.mark.django_db


def topics(text, profile="xuchang", severity=FairnessPattern.Severity.BLOCK):
    return {h.topic for h in scan({"text": text}, profile=profile) if h.severity == severity}


# --- the reader ---

@pytest.mark.parametrize(("text", "amounts"), [
    ("投标保证金0元", [Decimal(0)]),
    ("投标保证金10000元", [Decimal(10000)]),
    ("投标保证金20万元", [Decimal(200000)]),
    ("保证金人民币10,000元", [Decimal(10000)]),
    ("人民币壹拾万元整", [Decimal(100000)]),
    ("贰仟伍佰元", [Decimal(2500)]),
    ("零元", [Decimal(0)]),
    ("0.5万元", [Decimal(5000)]),
])
def test_sums_are_read_as_numbers_so_zero_is_never_the_end_of_a_round_sum(text, amounts):
    assert read_amounts(text) == amounts


def test_percentages_in_figures_and_in_words():
    assert read_percentages("预算金额的2%") == [Decimal(2)]
    assert read_percentages("合同金额的百分之十") == [Decimal(10)]
    assert read_percentages("千分之五") == [Decimal("0.5")]
    assert chinese_number("二十万") == Decimal(200000)
    assert chinese_number("零点五") == Decimal("0.5")


def test_clauses_split_at_sentences_commas_and_but_keeping_thousands_together():
    scopes = list(read_clauses("本项目不收取标书费，但投标人须缴纳投标保证金10,000元。资格：无"))
    assert [s.clauses for s in scopes] == [
        ("本项目不收取标书费",), ("但投标人须缴纳投标保证金10,000元",), ("资格：无",)]
    assert [s.clauses for s in read_clauses("不收取标书费但须缴纳保证金")] == [
        ("不收取标书费",), ("但须缴纳保证金",)]


# --- fees: the regressions of issue #12 ---

@pytest.mark.parametrize("text", [
    "投标保证金人民币10000元",
    "投标保证金20万元",
    "按预算金额的2%缴纳投标保证金",
    "投标保证金：100元",
])
def test_a_round_sum_bid_bond_is_caught_under_xuchang(text):
    hits = scan({"text": text}, profile="xuchang")
    assert [h.topic for h in hits] == ["bid_bond"]
    assert hits[0].severity == "block" and hits[0].basis == "春风行动 第19条"


@pytest.mark.parametrize("text", ["投标保证金：0元", "投标保证金：零元", "投标保证金：人民币0.00元",
                                  "本项目不收取投标保证金和履约保证金"])
def test_a_zero_or_waived_bond_passes(text):
    assert scan({"text": text}, profile="xuchang") == []


def test_under_the_national_profile_a_2_percent_bid_bond_passes_and_3_percent_is_caught():
    assert topics("按预算金额的2%缴纳投标保证金", "national") == set()
    hits = scan({"text": "按预算金额的3%缴纳投标保证金"}, profile="national")
    assert [(h.topic, h.severity, h.basis) for h in hits] == [("bid_bond", "block", "条例 第33条")]
    assert "3%" in hits[0].message


def test_under_the_national_profile_the_performance_bond_may_be_up_to_10_percent():
    assert topics("履约保证金为合同金额的10%", "national") == set()
    hits = scan({"text": "履约保证金为合同金额的百分之十五"}, profile="national")
    assert [(h.topic, h.basis) for h in hits] == [("perf_bond", "条例 第48条")]
    # A document fee is the national law's to allow; 春风行动 forbids it.
    assert topics("标书费300元", "national") == set()
    assert topics("标书费300元", "xuchang") == {"document_fee"}


def test_waiving_one_fee_and_imposing_another_is_caught_for_the_one_imposed():
    hits = scan({"text": "本项目不收取标书费，但投标人须缴纳投标保证金5000元"}, profile="xuchang")
    assert [h.topic for h in hits] == ["bid_bond"]
    assert "5000元" in hits[0].message
    assert topics("本项目不收取投标保证金，履约保证金为中标金额的3%") == {"perf_bond"}
    assert topics("除履约保证金外，本项目不收取其他任何费用") == {"perf_bond"}


def test_the_fee_topic_follows_the_rule_overrides(settings):
    # A deployment that allows document fees under xuchang (RULE_OVERRIDES) is obeyed.
    settings.RULE_OVERRIDES = {"fees.document_fee": True}
    assert topics("标书费300元", "xuchang") == set()


# --- discriminatory conditions and their lawful look-alikes ---

@pytest.mark.parametrize(("text", "topic"), [
    ("注册资金不低于500万元", "size"),
    ("注册资本须达到1000万元", "size"),
    ("实缴资本不少于2000万元", "size"),
    ("净资产不低于3000万元", "size"),
    ("须具有许昌市范围内类似项目业绩", "locality"),
    ("投标人须在本地设立售后服务网点", "locality"),
    ("投标人须为本地注册企业", "locality"),
    ("本项目仅限国有企业参加", "ownership"),
    ("投标人须为许昌市安防协会会员单位", "honours"),
    ("投标人须为已入围采购人名录库的供应商", "roster"),
    ("核心设备原产地须为德国", "brand"),
])
def test_discriminatory_conditions_are_blocked(text, topic):
    assert topic in topics(text)


@pytest.mark.parametrize("text", [
    "供应商可自愿提供本地化服务承诺，不作为资格条件",
    "中标后在本地设立售后服务网点的，不作为评审因素",
    "不得以注册资本、资产总额、营业收入、从业人员等规模条件作为资格条件",
    "本项目不收取投标保证金和履约保证金",
    "投标人须配备不少于5名技术人员驻场服务",
    "本项目为框架协议采购，第二阶段从入围供应商中选定成交供应商",
])
def test_lawful_look_alikes_are_not_flagged(text):
    assert scan({"text": text}, profile="xuchang") == []


def test_a_negation_after_but_does_not_excuse_what_came_before():
    # "不要求" is lawful where it stands; the other side of 但 is read on its own.
    assert topics("投标人须在许昌市设立分支机构，但不要求注册资本") == {"locality"}
    assert topics("本项目不要求注册资本，但投标人须在许昌市设立分支机构") == {"locality"}
    # A negation in a later sub-clause qualifies only when it opens it.
    assert topics("投标人须在许昌市设立分支机构，不要求注册资本") == {"locality"}
    assert topics("在许昌设立服务网点的，均不作为评审因素") == set()


# --- the demand services ---

def create(alice, org, budget, **overrides):
    return services.demand_create(purchaser=org, actor=alice, budget_line=budget, now=NOW,
                                  **demand_data(**overrides))


def test_a_demand_waiving_the_document_fee_but_charging_a_bond_is_refused_with_the_basis(
    alice, purchaser_org, budget
):
    with pytest.raises(DomainError) as exc:
        create(alice, purchaser_org, budget,
               commercial_requirements="本项目不收取标书费，但投标人须缴纳投标保证金5000元。")
    assert exc.value.code == "fair_competition"
    assert exc.value.basis == "春风行动 第19条"
    assert exc.value.field == "commercial_requirements"
    assert not Demand.objects.exists() and not FairnessFinding.objects.exists()


def test_under_the_national_profile_the_refusal_cites_the_regulation(
    alice, purchaser_org, budget, settings
):
    settings.RULE_PROFILE = "national"
    demand = create(alice, purchaser_org, budget,
                    commercial_requirements="投标保证金为采购预算金额的2%。")
    assert not demand.findings.exists()
    with pytest.raises(DomainError) as exc:
        create(alice, purchaser_org, budget,
               commercial_requirements="投标保证金为采购预算金额的3%。")
    assert exc.value.basis == "条例 第33条"
    assert Demand.objects.count() == 1


def test_updating_a_demand_with_a_blocking_clause_changes_nothing(alice, purchaser_org, budget):
    demand = create(alice, purchaser_org, budget)
    data = demand_data(qualification_conditions="投标人注册资金须达到500万元以上。")
    with pytest.raises(DomainError) as exc:
        services.demand_update(demand=demand, actor=alice, now=NOW, **data)
    assert "87号令 第17条" in exc.value.basis
    demand.refresh_from_db()
    assert demand.qualification_conditions == demand_data()["qualification_conditions"]


def test_a_warning_is_saved_with_its_topic_message_and_basis_and_can_be_justified(
    alice, purchaser_org, budget
):
    demand = create(alice, purchaser_org, budget,
                    commercial_requirements="接到报修后2小时内到达现场。")
    finding = demand.findings.get()
    assert (finding.severity, finding.topic) == ("warn", "locality")
    assert finding.basis and finding.message and finding.pattern.reader == "condition"
    services.demand_override_finding(
        finding=finding, actor=alice,
        justification="设备用于急诊，停机超过两小时会影响救治，响应时限经论证确有必要。")
    finding.refresh_from_db()
    assert finding.overridden_at is not None and not finding.is_open


# --- the data the finance bureau edits ---

def test_the_defaults_are_installed_with_their_reader():
    fees = FairnessPattern.objects.filter(reader="fee")
    assert set(fees.values_list("topic", flat=True)) == set(FairnessPattern.FEE_TOPICS)
    assert not FairnessPattern.objects.filter(pattern__in=fairness_patterns.RETIRED).exclude(
        pattern__in=[d["pattern"] for d in fairness_patterns.DEFAULTS]).exists()


def test_retiring_the_first_defaults_keeps_those_findings_point_at(alice, purchaser_org, budget):
    old_fee, old_locality = fairness_patterns.RETIRED[10], fairness_patterns.RETIRED[1]
    kept = FairnessPattern.objects.create(topic="other", severity="block", pattern=old_fee,
                                          message="m", basis="b")
    gone = FairnessPattern.objects.create(topic="locality", severity="block",
                                          pattern=old_locality, message="m", basis="b")
    demand = create(alice, purchaser_org, budget)
    FairnessFinding.objects.create(demand=demand, pattern=kept, severity="block", topic="other",
                                   field="x", excerpt="e", message="m", basis="b")
    fairness_patterns.retire(django_apps, None)
    kept.refresh_from_db()
    assert not kept.is_active
    assert not FairnessPattern.objects.filter(pk=gone.pk).exists()


def test_the_admin_refuses_a_fee_pattern_without_a_fee_topic():
    data = {"topic": "size", "reader": "fee", "severity": "block", "pattern": "注册资本",
            "exception": "", "message": "m", "basis": "b", "is_active": True}
    assert not FairnessPatternForm(data=data).is_valid()
    data["topic"] = "bid_bond"
    assert FairnessPatternForm(data=data).is_valid()
    data["exception"] = "(不收取"
    assert not FairnessPatternForm(data=data).is_valid()
