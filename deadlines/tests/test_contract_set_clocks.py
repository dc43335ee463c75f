"""A clock whose length the contract sets (the rule's amount is None, e.g. acceptance
under the national profile, 法 第41条) is computed from the contract's length on the
working-day calendar: provisional in a year without a calendar, and recomputed when the
year is loaded, like every other clock."""

import datetime as dt

import pytest

from deadlines import services
from deadlines.tests.conftest import at
from workdays.services import calendar_year_load

pytestmark = pytest.mark.django_db


def open_acceptance(subject, org, start, **kw):
    return services.deadline_open(subject=subject, clock="acceptance.organise",
                                  organization=org, start=start, now=start, **kw)


def test_the_contracts_length_into_an_unloaded_year_is_provisional_then_recomputed(
        settings, award, purchaser_org, finance_admin, django_capture_on_commit_callbacks,
        eager_celery):
    settings.RULE_PROFILE = "national"
    d = open_acceptance(award, purchaser_org, at(2026, 12, 30, 9, 0), amount=3,
                        unit="workdays")
    assert (d.amount, d.unit, d.basis) == (3, "workdays", "法 第41条")
    assert d.provisional and d.due_at == at(2027, 1, 4, 23, 59, 59)  # Monday–Friday
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    d.refresh_from_db()
    assert not d.provisional and d.due_at == at(2027, 1, 5, 23, 59, 59)


def test_the_contracts_length_in_a_known_year_is_not_provisional(settings, award,
                                                                 purchaser_org):
    settings.RULE_PROFILE = "national"
    # From the eve of National Day 2025: 1–8 October off, Saturday 11 October worked.
    d = open_acceptance(award, purchaser_org, at(2025, 9, 30, 10, 0), amount=2,
                        unit="workdays")
    assert not d.provisional and d.due_at == at(2025, 10, 10, 23, 59, 59)


def test_without_the_contracts_length_the_clock_is_refused(settings, award, purchaser_org):
    settings.RULE_PROFILE = "national"
    with pytest.raises(services.DomainError) as exc:
        open_acceptance(award, purchaser_org, at(2026, 3, 2, 9, 0))
    assert exc.value.code == "clock_needs_due_time"


def test_a_length_the_rule_sets_cannot_be_replaced_by_the_contracts(award, purchaser_org):
    with pytest.raises(ValueError):  # xuchang: 1 working day (春风行动 第18条)
        open_acceptance(award, purchaser_org, at(2026, 3, 2, 9, 0), amount=5,
                        unit="workdays")
