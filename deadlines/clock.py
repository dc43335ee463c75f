"""Turning a rule into a due time, and a due time into a reminder schedule."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from rules.registry import Unit
from workdays.services import (
    compute_add_days,
    compute_add_workdays,
    is_year_known,
    subtract_workdays,
)

# A duty due "within N working days" may be done until the end of the N-th day.
END_OF_DAY = dt.time(23, 59, 59)


def tz():
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(tz()).date()


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=tz())


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    provisional: bool
    unknown_years: tuple[int, ...] = ()


def compute_due(*, start: dt.datetime, amount: int, unit: str) -> Due:
    if unit == Unit.HOURS:
        return Due(start + dt.timedelta(hours=amount), False)
    first = local_date(start)
    if unit == Unit.WORKDAYS:
        computed = compute_add_workdays(first, amount)
    elif unit == Unit.DAYS:
        computed = compute_add_days(first, amount)
    else:
        raise ValueError(f"{unit} is not a unit of time")
    unknown = ()
    if computed.provisional:
        unknown = tuple(y for y in range(first.year, computed.date.year + 1)
                        if not is_year_known(y))
    return Due(end_of(computed.date), computed.provisional, unknown)


def parse_reminder(spec: str) -> tuple[str, int]:
    spec = spec.strip().lower()
    for suffix in ("wd", "h"):
        if spec.endswith(suffix) and spec[: -len(suffix)].isdigit():
            return suffix, int(spec[: -len(suffix)])
    raise ValueError(f"{spec!r}: use <n>wd (working days) or <n>h (hours)")


def reminder_schedule(
    *, started_at: dt.datetime, due_at: dt.datetime
) -> list[tuple[str, dt.datetime]]:
    """(kind, when) for each reminder before the due time, then ``overdue`` at it."""
    items = []
    for spec in settings.DEADLINE_REMINDERS:
        suffix, n = parse_reminder(spec)
        if suffix == "wd":
            local_due = due_at.astimezone(tz())
            day = subtract_workdays(local_due.date(), n)
            at = dt.datetime.combine(day, local_due.timetz())
        else:
            at = due_at - dt.timedelta(hours=n)
        if started_at < at < due_at:
            items.append((f"before_{n}{suffix}", at))
    items.append(("overdue", due_at))
    return sorted(items, key=lambda item: item[1])
