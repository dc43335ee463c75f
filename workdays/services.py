"""Working days in China: the one calendar module.

A working day (WD) is Monday–Friday plus officially adjusted working
weekend days (调休), minus public holidays. Sources, in order:
1. the admin-loaded ``CalendarYear`` table for that year, if present;
2. the ``chinese-calendar`` package (it covers 2004–2026);
3. otherwise Monday–Friday, and the result is *provisional*: callers
   mark their deadline provisional and administrators are alerted.

Counting follows 财政部令第87号 第85–86条: the start day is not counted;
a deadline that falls on a holiday moves to the next working day.
"""

import datetime as dt
import time
from dataclasses import dataclass

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import DomainError
from core.refusals import records_refusals

from .models import CalendarDay, CalendarYear
from .signals import calendar_year_loaded

_CACHE_SECONDS = 30
_cache: dict[int, tuple[float, dict | None]] = {}


@dataclass(frozen=True)
class Computed:
    date: dt.date
    provisional: bool


def _year_table(year: int) -> dict[dt.date, str] | None:
    """The loaded table for ``year`` (date → kind), or None when not loaded."""
    hit = _cache.get(year)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    if CalendarYear.objects.filter(year=year).exists():
        table = dict(CalendarDay.objects.filter(year__year=year).values_list("date", "kind"))
    else:
        table = None
    _cache[year] = (now, table)
    return table


def clear_cache() -> None:
    _cache.clear()


def day_status(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional)."""
    table = _year_table(day.year)
    if table is not None:
        kind = table.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False, False
        if kind == CalendarDay.Kind.WORKDAY:
            return True, False
        return day.weekday() < 5, False
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def is_year_known(year: int) -> bool:
    if _year_table(year) is not None:
        return True
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: dt.date) -> bool:
    return day_status(day)[0]


def next_workday_on_or_after(day: dt.date) -> Computed:
    provisional = False
    while True:
        ok, prov = day_status(day)
        provisional |= prov
        if ok:
            return Computed(day, provisional)
        day += dt.timedelta(days=1)


def compute_add_workdays(start: dt.date, n: int) -> Computed:
    """The n-th working day after ``start`` (the start day itself is not counted)."""
    if n <= 0:
        return next_workday_on_or_after(start)
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        ok, prov = day_status(day)
        provisional |= prov
        counted += ok
    return Computed(day, provisional)


def compute_add_days(start: dt.date, n: int) -> Computed:
    """``n`` calendar days after ``start``; a holiday moves it to the next working day."""
    return next_workday_on_or_after(start + dt.timedelta(days=n))


def add_workdays(start: dt.date, n: int) -> dt.date:
    return compute_add_workdays(start, n).date


def add_days(start: dt.date, n: int) -> dt.date:
    return compute_add_days(start, n).date


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start).

    ``workdays_between(a, add_workdays(a, n)) == n``.
    """
    if end == start:
        return 0
    sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
    count, day = 0, lo
    while day < hi:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return sign * count


def subtract_workdays(day: dt.date, n: int) -> dt.date:
    """The working day ``n`` working days before ``day``."""
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        counted += is_workday(day)
    return day


@records_refusals(action="calendar.load_refused")
@transaction.atomic
def calendar_year_load(*, year: int, days, source: str = "", actor=None) -> CalendarYear:
    """Replace ``year``'s holidays and adjusted working days.

    ``days`` is an iterable of (date, kind, name). Every date must fall in
    ``year``; a date may not be both. Recomputing provisional deadlines is
    left to the receivers of ``calendar_year_loaded`` (after commit).
    """
    rows = {}
    for day, kind, name in days:
        if day.year != year:
            raise DomainError(_("%(date)s is not in %(year)s."),
                              params={"date": day.isoformat(), "year": year},
                              code="calendar_wrong_year")
        if kind not in CalendarDay.Kind.values:
            raise DomainError(_("Unknown kind of day."), code="calendar_kind")
        if day in rows and rows[day][0] != kind:
            raise DomainError(_("%(date)s is given both as a holiday and as a working day."),
                              params={"date": day.isoformat()}, code="calendar_conflict")
        rows[day] = (kind, name)
    if not rows:
        raise DomainError(_("No holidays or working days were given."), code="calendar_empty")
    cal, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "loaded_by": actor})
    cal.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=cal, date=d, kind=k, name=n[:50]) for d, (k, n) in sorted(rows.items())
    )
    audit_record(action="calendar.load", actor=actor, obj=cal,
                 detail={"year": year, "holidays": sum(k == "holiday" for k, _n in rows.values()),
                         "workdays": sum(k == "workday" for k, _n in rows.values()),
                         "source": source})
    clear_cache()
    send_on_commit(calendar_year_loaded, sender=CalendarYear, year=year)
    return cal


def package_year_days(year: int) -> list[tuple[dt.date, str, str]]:
    """The ``chinese-calendar`` package's data for ``year``, in the table's shape."""
    days = [(d, "holiday", name) for d, name in chinese_calendar.holidays.items()
            if d.year == year]
    days += [(d, "workday", name) for d, name in chinese_calendar.workdays.items()
             if d.year == year]
    return sorted(days)
