import datetime as dt

import pytest

from workdays import services
from workdays.services import (
    add_days,
    add_workdays,
    compute_add_workdays,
    is_workday,
    workdays_between,
)

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.mark.django_db
class TestCounting:
    def test_award_on_the_eve_of_national_day_signs_by_october_10(self):
        # 2025-10-01..08 are the National Day holiday: WD1 is 10-09, WD2 is 10-10.
        assert add_workdays(D(2025, 9, 30), 2) == D(2025, 10, 10)

    def test_adjusted_weekend_working_days_of_2025_count(self):
        assert is_workday(D(2025, 9, 28))  # Sunday, worked for National Day
        assert is_workday(D(2025, 10, 11))  # Saturday, worked for National Day
        assert not is_workday(D(2025, 10, 8))
        assert add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Fri → the working Sunday
        assert add_workdays(D(2025, 10, 10), 1) == D(2025, 10, 11)  # Fri → the working Saturday

    @pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                     "2026-09-20", "2026-10-10"])
    def test_2026_adjusted_working_days(self, day):
        assert is_workday(D.fromisoformat(day))

    def test_spring_festival_2026_is_skipped(self):
        # 2026-02-15..23 off; 02-14 (Sat) worked. From Fri 02-13: Sat 14th is WD1, then 24th.
        assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
        assert add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)

    def test_start_day_is_not_counted(self):
        assert add_workdays(D(2025, 6, 2), 1) == D(2025, 6, 3)  # Monday → Tuesday

    def test_calendar_day_deadline_on_a_holiday_moves_to_the_next_working_day(self):
        # 87号令 第86条: 7 days after 09-25 is 10-02, a holiday → 10-09.
        assert add_days(D(2025, 9, 25), 7) == D(2025, 10, 9)
        assert add_days(D(2025, 6, 2), 3) == D(2025, 6, 5)

    def test_workdays_between_inverts_add_workdays(self):
        for n in range(0, 12):
            assert workdays_between(D(2025, 9, 30), add_workdays(D(2025, 9, 30), n)) == n
        assert workdays_between(D(2025, 10, 10), D(2025, 9, 30)) == -2


@pytest.mark.django_db
class TestUnknownYear:
    def test_a_year_without_data_is_monday_to_friday_and_provisional(self):
        result = compute_add_workdays(D(2026, 12, 30), 2)
        # 12-31 (Thu) is known; 2027-01-01 (Fri) is not: counted as a working day.
        assert result.date == D(2027, 1, 1)
        assert result.provisional

    def test_known_years_are_not_provisional(self):
        assert not compute_add_workdays(D(2025, 9, 30), 2).provisional


@pytest.mark.django_db
class TestLoadedTableOverridesThePackage:
    def test_loaded_year_replaces_the_package(self):
        # Pretend the State Council moved a day: make 2026-06-01 (Mon) a holiday.
        services.calendar_year_load(
            year=2026, days=[(D(2026, 6, 1), "holiday", "测试"),
                             (D(2026, 6, 6), "workday", "测试")], source="test")
        assert not is_workday(D(2026, 6, 1))
        assert is_workday(D(2026, 6, 6))  # a Saturday, now worked
        # The package's 2026 holidays no longer apply: the table is the whole year.
        assert is_workday(D(2026, 10, 1))

    def test_loading_2027_makes_it_known(self):
        services.calendar_year_load(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦")])
        result = compute_add_workdays(D(2026, 12, 30), 2)
        assert result.date == D(2027, 1, 4)
        assert not result.provisional

    def test_a_date_outside_the_year_is_refused(self):
        from core.exceptions import DomainError

        with pytest.raises(DomainError):
            services.calendar_year_load(year=2027, days=[(D(2026, 1, 1), "holiday", "")])

    def test_a_refused_load_is_recorded_for_supervision_and_loads_nothing(self):
        from accounts.tests.factories import UserFactory
        from audit.selectors import refusals
        from core.exceptions import DomainError
        from workdays.models import CalendarYear

        admin = UserFactory(username="calendar-admin")
        with pytest.raises(DomainError):
            services.calendar_year_load(year=2027, actor=admin, days=[
                (D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 1), "workday", "")])
        event = refusals().get(action="calendar.load_refused")
        assert event.actor == admin and event.detail["code"] == "calendar_conflict"
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_loading_a_year_tells_the_clocks_after_the_commit(
        self, django_capture_on_commit_callbacks
    ):
        from workdays.signals import calendar_year_loaded

        years = []

        def receiver(sender, year, **kwargs):
            years.append(year)

        calendar_year_loaded.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                services.calendar_year_load(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦")])
            assert years == []  # not inside the transaction
            for callback in callbacks:
                callback()
            assert years == [2027]
        finally:
            calendar_year_loaded.disconnect(receiver)
