import datetime as dt

import pytest
from django.core.management import call_command

from core.exceptions import DomainError
from workdays.models import CalendarDay
from workdays.notice import parse_notice

D = dt.date

NOTICE_2025 = """一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
七、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""


def test_the_state_councils_wording_is_read():
    days = parse_notice(NOTICE_2025, 2025)
    holidays = {d for d, k, _ in days if k == "holiday"}
    workdays = {d for d, k, _ in days if k == "workday"}
    assert D(2025, 1, 1) in holidays
    assert {D(2025, 1, 28), D(2025, 2, 4), D(2025, 2, 1)} <= holidays  # across months
    assert {D(2025, 10, 1) + dt.timedelta(days=i) for i in range(8)} <= holidays
    assert workdays == {D(2025, 1, 26), D(2025, 2, 8), D(2025, 9, 28), D(2025, 10, 11)}
    names = {d: n for d, _k, n in days}
    assert names[D(2025, 10, 3)] == "国庆节、中秋节"


def test_the_plain_form_is_read():
    days = parse_notice("2027-10-01..2027-10-03 holiday 国庆节\n2027-09-26 上班", 2027)
    assert days == [(D(2027, 10, 1), "holiday", "国庆节"), (D(2027, 10, 2), "holiday", "国庆节"),
                    (D(2027, 10, 3), "holiday", "国庆节"), (D(2027, 9, 26), "workday", "")]


def test_a_line_that_says_nothing_is_refused():
    with pytest.raises(DomainError, match="放假"):
        parse_notice("这是一行无关的文字", 2027)


def test_an_impossible_date_is_refused():
    with pytest.raises(DomainError):
        parse_notice("元旦：2月30日放假", 2027)


@pytest.mark.django_db
def test_load_calendar_command_from_a_file(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
                    "春节：2月6日至13日放假调休，共8天。2月14日（周日）上班。\n", encoding="utf-8")
    call_command("load_calendar", "2027", file=str(path), source="test")
    assert CalendarDay.objects.filter(date=D(2027, 2, 14), kind="workday").exists()
    assert CalendarDay.objects.filter(year__year=2027, kind="holiday").count() == 11


@pytest.mark.django_db
def test_load_calendar_command_snapshots_the_package():
    call_command("load_calendar", "2025", from_package=True)
    assert CalendarDay.objects.filter(date=D(2025, 10, 11), kind="workday").exists()
