"""The rule registry: every statutory number once, with its basis, per profile."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from rules.registry import (
    NATIONAL,
    PROFILES,
    XUCHANG,
    Category,
    Unit,
    UnknownRule,
    rule,
    rules_in_force,
    validate_overrides,
)

# Where the national law sets no number at all: the xuchang plan is the first to.
NATIONAL_WITHOUT_BASIS = {"advance_payment.min", "fees.document_fee", "fees.platform_fee",
                          "fees.central_agency_fee"}


@pytest.mark.parametrize("rules", [NATIONAL, XUCHANG], ids=["national", "xuchang"])
def test_each_code_is_written_once(rules):
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_rule_has_a_basis_a_description_a_category_and_a_unit(profile):
    for r in rules_in_force(profile).values():
        assert r.basis.strip(), r.code
        assert str(r.description).strip(), r.code
        assert r.category in Category.values, r.code
        assert r.unit in Unit.values, r.code


def test_only_what_the_national_law_leaves_open_lacks_a_citation():
    national = {r.code for r in rules_in_force("national").values() if r.basis == "—"}
    assert national == NATIONAL_WITHOUT_BASIS
    # The Chunfeng plan fills every one of them.
    assert not [r.code for r in rules_in_force("xuchang").values() if r.basis == "—"]


def test_xuchang_only_tightens_rules_the_national_profile_has():
    national = PROFILES["national"]
    for r in XUCHANG:
        assert r.code in national, r.code
        assert r.category == national[r.code].category, r.code
        assert r.basis.startswith("春风行动"), r.code


@pytest.mark.parametrize(("code", "national", "xuchang"), [
    ("contract.sign", (30, Unit.DAYS), (2, Unit.WORKDAYS)),
    ("contract.publish", (2, Unit.WORKDAYS), (1, Unit.WORKDAYS)),
    ("payment.after_invoice", (30, Unit.DAYS), (2, Unit.WORKDAYS)),
    ("fees.bid_bond_max", (2, Unit.PERCENT), (0, Unit.PERCENT)),
    ("fees.document_fee", (True, Unit.FLAG), (False, Unit.FLAG)),
    ("acceptance.organise", (None, Unit.WORKDAYS), (1, Unit.WORKDAYS)),
])
def test_the_profiles_differ_where_the_chunfeng_plan_is_stricter(code, national, xuchang):
    assert (rule(code, "national").amount, rule(code, "national").unit) == national
    assert (rule(code, "xuchang").amount, rule(code, "xuchang").unit) == xuchang


def test_everything_else_is_the_national_value_in_both():
    stricter = {r.code for r in XUCHANG}
    for code, r in PROFILES["national"].items():
        if code not in stricter:
            assert PROFILES["xuchang"][code] == r, code
    assert set(PROFILES["xuchang"]) == set(PROFILES["national"])


def test_clocks_are_whole_numbers_of_their_unit():
    for profile in PROFILES:
        for r in rules_in_force(profile).values():
            if r.is_clock:
                assert r.amount is None or (isinstance(r.amount, int) and r.amount > 0), r.code


def test_the_profile_in_force_comes_from_settings(settings):
    settings.RULE_PROFILE = "national"
    assert rule("contract.sign").amount == 30
    settings.RULE_PROFILE = "xuchang"
    assert rule("contract.sign").amount == 2


def test_an_unknown_code_fails_clearly():
    with pytest.raises(UnknownRule) as exc:
        rule("contract.sgin")
    assert isinstance(exc.value, KeyError)  # callers that fall back catch KeyError
    assert "'contract.sgin'" in str(exc.value) and "profile" in str(exc.value)
    assert exc.value.code == "contract.sgin"


def test_an_unknown_profile_fails_clearly():
    with pytest.raises(ValueError, match="national, xuchang"):
        rules_in_force("beijing")


class TestOverrides:
    def test_an_override_changes_the_value_and_keeps_the_basis(self, settings):
        settings.RULE_OVERRIDES = {"contract.sign": 3, "payment.late_interest": "0.04",
                                   "fees.platform_fee": 0}
        sign = rule("contract.sign")
        assert (sign.amount, sign.unit, sign.basis, sign.overridden) == (
            3, Unit.WORKDAYS, "春风行动 第18条", True)
        assert rule("payment.late_interest").amount == Decimal("0.04")
        assert rule("fees.platform_fee").amount is False
        assert not rule("contract.file").overridden

    @pytest.mark.parametrize("overrides", [
        {"contract.sgin": 3},               # unknown code
        {"contract.sign": "three"},         # not a number
        {"contract.sign": -1},              # negative
        {"contract.sign": 2.5},             # a clock counts whole days
        {"committee.min_members": True},    # a count is not a flag
        {"price.abnormally_low": "n/a"},
    ])
    def test_a_bad_override_is_refused_at_start(self, settings, overrides):
        settings.RULE_OVERRIDES = overrides
        with pytest.raises(ImproperlyConfigured) as exc:
            validate_overrides()
        assert next(iter(overrides)) in str(exc.value)
        # The app checks them when Django starts.
        with pytest.raises(ImproperlyConfigured):
            apps.get_app_config("statutory_rules").ready()

    def test_good_overrides_pass_at_start(self, settings):
        settings.RULE_OVERRIDES = {"contract.sign": 3, "fees.platform_fee": False,
                                   "acceptance.organise": None}
        validate_overrides()
        apps.get_app_config("statutory_rules").ready()
