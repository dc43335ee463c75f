"""What people type, checked for sane ranges before the database sees it.

Forms and serializers call these, so that bad money or a date from another century is
refused next to its field with a translated message, and nothing is saved. The tables'
CHECK constraints stay as the last line of defence; their names are for developers, and
``core.apis.exception_handler`` and ``core.middleware`` keep them from reaching people.

Validators raise Django's ``ValidationError``: forms show it as it is, and DRF serializers
turn it into their own field error.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

# Money is yuan with two decimals in DecimalField(max_digits=16, decimal_places=2) columns.
MONEY_MAX_DIGITS = 16
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal("99999999999999.99")

# Row ids are BigAutoField: a number past this is no row, and SQLite cannot even bind it.
ID_MAX = 2**63 - 1

# A platform rule, not a statute: plans are made for the budget year, the one before it
# (entries made in January for the year just closed) and at most two years ahead (a
# multi-year project's later phases). Further out is a typing mistake — "2000" for "2026",
# or a date picker left at its first year — and would sort or count wrongly everywhere.
YEARS_BACK = 1
YEARS_AHEAD = 2


def validate_money(value) -> None:
    """An amount of yuan: a finite number, not negative, that fits the money columns."""
    if value is None:
        return
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("Enter an amount in yuan."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Enter an amount in yuan."), code="invalid")
    if value < 0:
        raise ValidationError(_("The amount cannot be negative."), code="min_value")
    if value > MONEY_MAX:
        raise ValidationError(_("The amount is at most %(max)s yuan."), code="max_value",
                              params={"max": f"{MONEY_MAX:,}"})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Give the amount to the fen (two decimals) at most."),
                              code="max_decimal_places")


def plausible_years(today: dt.date | None = None) -> tuple[int, int]:
    """The first and the last year a plan may name (see YEARS_BACK and YEARS_AHEAD)."""
    year = (today or timezone.localdate()).year
    return year - YEARS_BACK, year + YEARS_AHEAD


def validate_plausible_year(value, today: dt.date | None = None) -> None:
    """A budget or planning year: last year to two years ahead."""
    if value is None:
        return
    first, last = plausible_years(today)
    if not first <= int(value) <= last:
        raise ValidationError(_("Give a year from %(first)s to %(last)s."), code="year_range",
                              params={"first": first, "last": last})


def validate_plausible_date(value, today: dt.date | None = None) -> None:
    """A planned date (a month of procurement, a delivery, a milestone): in a plausible
    year, from the start of last year to the end of the year after next."""
    if value is None:
        return
    first, last = plausible_years(today)
    earliest, latest = dt.date(first, 1, 1), dt.date(last, 12, 31)
    if isinstance(value, dt.datetime):
        # An instant at a year's edge falls in the year before or after in another time
        # zone: a day's leeway, so that what was written as in range is taken as such.
        earliest, latest = earliest - dt.timedelta(days=1), latest + dt.timedelta(days=1)
    validate_date_between(value, earliest=earliest, latest=latest)


def validate_not_future(value, today: dt.date | None = None) -> None:
    """A date something happened on (an invoice, a payment): not after today."""
    if value is None:
        return
    today = today or timezone.localdate()
    if _as_date(value) > today:
        raise ValidationError(_("The date cannot be later than today (%(today)s)."),
                              code="future", params={"today": formats.date_format(today)})


def validate_date_between(value, *, earliest: dt.date | None = None,
                          latest: dt.date | None = None) -> None:
    """A date within [earliest, latest]; either bound may be left open."""
    if value is None:
        return
    day = _as_date(value)
    if (earliest and day < earliest) or (latest and day > latest):
        if earliest and latest:
            message = _("Give a date from %(earliest)s to %(latest)s.")
        elif earliest:
            message = _("The date cannot be earlier than %(earliest)s.")
        else:
            message = _("The date cannot be later than %(latest)s.")
        raise ValidationError(message, code="date_range", params={
            "earliest": formats.date_format(earliest) if earliest else "",
            "latest": formats.date_format(latest) if latest else ""})


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def parse_id(value) -> int | None:
    """A row id typed into a URL's query (a filter), or None when it cannot be one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= ID_MAX else None
