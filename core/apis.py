import logging
import re
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .exceptions import DomainError
from .validators import MONEY_MAX, plausible_years, validate_money, validate_plausible_date

logger = logging.getLogger(__name__)

# The JSON answers for what reaches the API without a serializer's or a service's word on
# it; core.middleware gives the same answers to requests that never reach a DRF view.
ERRORS = {
    400: ("bad_request", _("The request could not be understood.")),
    403: ("forbidden", _("You are not allowed to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    413: ("request_too_large", _("The request is too large.")),
    500: ("server_error", _("Something went wrong on our side; nothing was saved.")),
}
CONSTRAINT_MESSAGE = _("The data breaks a rule of the records; nothing was saved. "
                       "Check the amounts and dates.")


def error_body(status_code: int) -> dict:
    code, detail = ERRORS.get(status_code, ERRORS[500 if status_code >= 500 else 400])
    return {"code": code, "detail": str(detail)}


def _is_check_violation(exc: IntegrityError) -> bool:
    # PostgreSQL's SQLSTATE 23514 check_violation; SQLite only says so in its message.
    return getattr(exc.__cause__, "pgcode", None) == "23514" or \
        "CHECK constraint failed" in str(exc)


def exception_handler(exc, context):
    """Turn a refused service call into JSON: code, translated detail, legal basis.

    Also the API's safety net: a body too large or otherwise suspicious is a JSON 413/400,
    and a CHECK constraint that validation should have caught is a clean 400 that names
    no constraint (logged, so that the missing validation gets written)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(error_body(413), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        set_rollback()
        return Response(error_body(400), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError) and _is_check_violation(exc):
        set_rollback()
        view = context.get("view")
        logger.warning("CHECK constraint reached by %s: %s", type(view).__name__, exc)
        return Response({"code": "constraint", "detail": str(CONSTRAINT_MESSAGE)},
                        status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class Pagination(LimitOffsetPagination):
    """limit/offset as everywhere, within what a database can count: an offset or limit
    past PostgreSQL's bigint was a server error."""

    max_limit = 1000
    max_offset = 10**9

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)


def paginated(view, request, queryset, serializer_class):
    """A page of ``queryset`` in the project's pagination style (limit/offset)."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class PlausibleYearField(serializers.IntegerField):
    """A budget or planning year (core.validators.plausible_years). The bounds are worked
    out whenever a serializer is made, so the schema documents this year's range."""

    def __init__(self, **kwargs):
        first, last = plausible_years()
        super().__init__(min_value=first, max_value=last, **kwargs)


PLANNED_DATE_HELP = "A planned date: from 1 January of last year to 31 December of the " \
                    "year after next."

_DAY = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_TIME = r"T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"


class _PlannedMixin:
    """A planned date or time (core.validators.validate_plausible_date), documented by a
    pattern naming the plausible years, worked out whenever a serializer is made. Input in
    another shape than the documented one is refused."""

    time_part = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PLANNED_DATE_HELP)
        super().__init__(validators=[validate_plausible_date], **kwargs)
        first, last = plausible_years()
        years = "|".join(str(year) for year in range(first, last + 1))
        self.pattern = rf"^(?:{years})-{_DAY}{self.time_part}$"
        self._shape = rf"\d{{4}}-{_DAY}{self.time_part}"

    def to_internal_value(self, value):
        if isinstance(value, str) and not re.fullmatch(self._shape, value):
            self.fail("invalid", format=self.pattern)
        return super().to_internal_value(value)


class PlannedDateField(_PlannedMixin, serializers.DateField):
    pass


class PlannedDateTimeField(_PlannedMixin, serializers.DateTimeField):
    time_part = _TIME


def planned_date_field(**kwargs) -> PlannedDateField:
    """A planned date (a month of procurement, a delivery, a milestone) in a plausible year."""
    return PlannedDateField(**kwargs)


class PlannedDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PlannedDateField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "date", "pattern": self.target.pattern}


class PlannedDateTimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PlannedDateTimeField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "date-time", "pattern": self.target.pattern}


# --- amounts as documented ---------------------------------------------------------------
# DRF documents a DecimalField as a string matching ^-?\d{0,14}(?:\.\d{0,2})?$: the empty
# string and negative numbers included, the minimum left out. Clients (and the schema
# fuzzer) took "" and "-5" for valid amounts that the API then refused. These fields
# document exactly the strings they accept, and accept no other.

def decimal_pattern(*, whole_digits: int, places: int, positive: bool,
                    max_value: Decimal | None = None) -> str:
    """The strings of a non-negative decimal, without a sign or leading zeros: at most
    ``whole_digits`` before the point and ``places`` after; above zero if ``positive``;
    at most ``max_value`` if that is a power of ten (100 for a percentage)."""
    fraction = rf"(?:\.\d{{1,{places}}})?"
    cap = ""
    if max_value is not None:
        power = len(str(int(max_value))) - 1
        if max_value != 10**power:
            raise ValueError(f"only a power of ten can be a documented maximum: {max_value}")
        whole_digits = power
        cap = rf"|1{'0' * power}(?:\.0{{1,{places}}})?"
    above_one = rf"[1-9]\d{{0,{whole_digits - 1}}}{fraction}" if whole_digits else ""
    if positive:
        # 0.01 … 0.99: some digit after the point is not zero.
        small = "|".join(rf"{'0' * k}[1-9]\d{{0,{places - 1 - k}}}" for k in range(places))
        alternatives = [a for a in (above_one, rf"0\.(?:{small})") if a]
    else:
        alternatives = [a for a in (above_one, rf"0{fraction}") if a]
    return "^(?:" + "|".join(alternatives) + cap + ")$"


class StrictDecimalField(serializers.DecimalField):
    """A DecimalField for input that is never negative, documented by the exact pattern it
    accepts (a JSON number is accepted too, and checked the usual way)."""

    def __init__(self, *, max_digits, decimal_places, min_value=Decimal("0"), **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places,
                         min_value=min_value, **kwargs)
        if self.min_value is None or self.min_value < 0:
            raise ValueError("StrictDecimalField is for amounts that are never negative")
        self.pattern = decimal_pattern(
            whole_digits=max_digits - decimal_places, places=decimal_places,
            positive=self.min_value > 0, max_value=self.max_value)

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


def money_field(*, positive: bool = True, **kwargs) -> StrictDecimalField:
    """An amount of yuan (core.validators.validate_money): above zero unless ``positive``
    is False."""
    kwargs.setdefault("help_text", f"Yuan with at most two decimals, at most {MONEY_MAX}; "
                                   + ("above zero" if positive else "zero or more"))
    return StrictDecimalField(max_digits=16, decimal_places=2,
                              min_value=Decimal("0.01") if positive else Decimal("0"),
                              validators=[validate_money], **kwargs)


class StrictDecimalFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern}
