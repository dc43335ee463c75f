"""The pieces every list's FilterSet is built from (django-filter).

Each app keeps its FilterSets in ``<app>/filters.py``; its selectors apply them
(``<entity>s_visible_to(*, user, organization, filters)`` returns the FilterSet's
queryset), the list page renders the same FilterSet's form
(``partials/_filters.html``) and the API documents its query parameters with
``openapi_parameters`` and refuses a bad value with ``check_filters``: a value the
FilterSet refuses is a form error on the page and a 400 in the API, never a server
error and never silently a different list.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as django_filters
from django_filters.fields import ModelChoiceField
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

# Years a list may be narrowed to: the platform's history and near future, and nothing a
# database's date arithmetic would overflow on.
FIRST_YEAR, LAST_YEAR = 2000, 2100
SEARCH_MAX = 100


class OrganizationChoiceField(ModelChoiceField):
    """An organisation by id, among those the caller may filter by. An id outside them is
    refused as not found (``does_not_exist``), as an id in a path would be."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="does_not_exist") from None


class OrganizationFilter(django_filters.ModelChoiceFilter):
    """Give it ``queryset=<Model>.objects.none()``; the FilterSet narrows it to the scope."""

    field_class = OrganizationChoiceField


class YearFilter(django_filters.NumberFilter):
    """A year within FIRST_YEAR..LAST_YEAR (``lookup_expr="year"`` for a date field)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


SHANGHAI = ZoneInfo("Asia/Shanghai")


def midnight(day: dt.date) -> dt.datetime:
    """The start of a day in Asia/Shanghai, whatever the request's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


# Nothing happens on the platform outside its years: a day beyond them is no bound or
# leaves nothing, without the datetime arithmetic (9999-12-31's next day overflows).

def since_day(queryset, field: str, day: dt.date):
    """The rows whose ``field`` is on ``day`` (Asia/Shanghai) or later."""
    if day.year < FIRST_YEAR:
        return queryset
    if day.year > LAST_YEAR:
        return queryset.none()
    return queryset.filter(**{f"{field}__gte": midnight(day)})


def until_day(queryset, field: str, day: dt.date):
    """The rows whose ``field`` is on ``day`` (Asia/Shanghai) or earlier."""
    if day.year > LAST_YEAR:
        return queryset
    if day.year < FIRST_YEAR:
        return queryset.none()
    return queryset.filter(**{f"{field}__lt": midnight(day + dt.timedelta(days=1))})


def search_filter(label):
    """The free-text filter; the FilterSet's ``search`` method says what it searches."""
    return django_filters.CharFilter(label=label, method="search", max_length=SEARCH_MAX)


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form is drawn with Bootstrap's classes on the list pages;
    ``hidden_filters`` names filters the page does not draw for this caller."""

    hidden_filters: frozenset = frozenset()

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                css = "form-select" if isinstance(field.widget, forms.Select) \
                    else "form-control"
                field.widget.attrs.setdefault("class", css)
                field.widget.attrs.setdefault("aria-label", str(field.label))
            for name in form.errors if form.is_bound else ():
                if name in form.fields:
                    form.fields[name].widget.attrs["class"] += " is-invalid"
            form._styled = True
        return form


# --- the API -------------------------------------------------------------------------

def check_filters(filterset) -> None:
    """The API's check of its query parameters, by the FilterSet its selector applies: a
    value the FilterSet refuses (an unknown status, a year out of range, an organisation
    outside the caller's scope) is a 400 naming the parameter and the error's code, as a
    serializer's refusal is."""
    if not filterset.is_valid():
        raise serializers.ValidationError({
            name: [serializers.ErrorDetail(str(message), code=error.code)
                   for error in errors for message in error.messages]
            for name, errors in filterset.form.errors.as_data().items()})


# A parameter given empty (``?project=``, as a form sends a field left blank) filters
# nothing, on the page and in the API alike: the schema says so for every typed one.
_EMPTY = {"type": "string", "maxLength": 0}


def _or_empty(schema: dict) -> dict:
    return {"oneOf": [schema, _EMPTY]}


def _parameter_schema(flt) -> dict:
    if isinstance(flt, django_filters.ModelChoiceFilter):  # a ChoiceFilter too: first
        return _or_empty({"type": "integer"})
    if isinstance(flt, django_filters.ChoiceFilter):
        return {"type": "string", "enum": ["", *[value for value, _label
                                                 in flt.extra["choices"]]]}
    if isinstance(flt, YearFilter):
        return _or_empty({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
    if isinstance(flt, django_filters.DateFilter):
        return _or_empty({"type": "string", "format": "date"})
    return {"type": "string", "maxLength": flt.extra.get("max_length", SEARCH_MAX)}


def openapi_parameters(filterset_class, notes=None) -> list[OpenApiParameter]:
    """The FilterSet's filters as documented query parameters (``extend_schema``)."""
    notes = notes or {}
    return [OpenApiParameter(name, _parameter_schema(flt), OpenApiParameter.QUERY,
                             required=False,
                             description=" ".join(filter(None, [str(flt.label),
                                                                notes.get(name, "")])))
            for name, flt in filterset_class.base_filters.items()]
