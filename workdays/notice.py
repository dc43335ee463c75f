"""Read a year's holidays from the State Council's notice, as pasted by an administrator.

Two forms are understood, line by line:

* the notice's own wording, e.g.
  ``七、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。``
  — dates in a sentence with 放假 are days off (a 至 range is expanded),
  dates in a sentence with 上班 are adjusted working days;
* a plain form, one entry per line: ``2027-10-01..2027-10-07 holiday 国庆节`` or
  ``2027-09-26 workday`` (放假 / 上班 are accepted for the kind).
"""

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

_MD = re.compile(r"(?:(\d{1,2})月)?(\d{1,2})日")
_RANGE = re.compile(r"(\d{1,2})月(\d{1,2})日[^至]*?至(?:(\d{1,2})月)?(\d{1,2})日")
_NAME = re.compile(r"^\s*(?:[一二三四五六七八九十]+、)?\s*([^：:]+)[：:]")
_PLAIN = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|至|~)\s*(\d{4}-\d{2}-\d{2}))?\s+"
    r"(holiday|workday|放假|上班)\s*(.*)$"
)
_KINDS = {"holiday": "holiday", "放假": "holiday", "workday": "workday", "上班": "workday"}


def _date(year, month, day, line):
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise DomainError(_("Line “%(line)s”: %(month)s-%(day)s is not a date."),
                          params={"line": line.strip()[:60], "month": month, "day": day},
                          code="calendar_parse") from None


def _span(first: dt.date, last: dt.date):
    if last < first:
        last = last.replace(year=last.year + 1)
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def parse_notice(text: str, year: int) -> list[tuple[dt.date, str, str]]:
    days: list[tuple[dt.date, str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        plain = _PLAIN.match(line)
        if plain:
            first = dt.date.fromisoformat(plain[1])
            last = dt.date.fromisoformat(plain[2]) if plain[2] else first
            days += [(d, _KINDS[plain[3]], plain[4].strip()) for d in _span(first, last)]
            continue
        name_match = _NAME.match(line)
        name = name_match[1].strip() if name_match else ""
        body = line[name_match.end():] if name_match else line
        found = False
        for sentence in re.split(r"[。；;]", body):
            if "上班" in sentence:
                for month, day in _MD.findall(sentence):
                    if not month:
                        continue
                    days.append((_date(year, month, day, line), "workday", name))
                    found = True
            elif "放假" in sentence:
                ranges = list(_RANGE.finditer(sentence))
                if ranges:
                    for r in ranges:
                        first = _date(year, r[1], r[2], line)
                        last = _date(year, r[3] or r[1], r[4], line)
                        days += [(d, "holiday", name) for d in _span(first, last)]
                else:
                    for month, day in _MD.findall(sentence):
                        if month:
                            days.append((_date(year, month, day, line), "holiday", name))
                found = True
        if not found:
            raise DomainError(
                _("Line “%(line)s” names neither days off (放假) nor working days (上班)."),
                params={"line": line[:60]}, code="calendar_parse")
    if not days:
        raise DomainError(_("No holidays or working days were found in the text."),
                          code="calendar_empty")
    return days
