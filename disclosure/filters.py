"""The portal's search: one FilterSet for the notices' page (``/notices/``), its API
(``/api/portal/notices/``) and any other list of publications (``selectors``).

It offers what the central portal (ccgp.gov.cn) offers, and the rest of what a
``Publication`` knows: the words (in the title only, or in the whole text — the search
itself is ``search.backends``'), the kinds of notice (several at once), the purchaser
and the agency (by name or id), the project number, the region (a GB/T 2260 code or its
prefix: 41 is Henan, 4110 Xuchang), goods / works / services and the 政府采购品目
catalogue (a code or its prefix), the procurement method, the day of publication (the
last day, week, month … or from–to, Asia/Shanghai days), the amount, and the order.

A value it refuses (an amount that is not one, a day that is not a date, a range upside
down) is a form error on the page and a 400 in the API (``core.filters.check_filters``),
never a server error and never silently a different list.
"""

import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import (
    SEARCH_MAX,
    SHANGHAI,
    DateInput,
    StyledFilterSet,
    midnight,
    since_day,
    until_day,
)
from procurement.models import Demand, Project

from .models import Publication, PublicationKind
from .search.backends import get_backend

# The last …: how far back each preset reaches, counted in Asia/Shanghai days (today is
# the first day of each: "the last 3 days" are today and the two days before).
PRESETS = {
    "today": relativedelta(),
    "3d": relativedelta(days=2),
    "1w": relativedelta(days=6),
    "1m": relativedelta(months=1),
    "3m": relativedelta(months=3),
    "6m": relativedelta(months=6),
    "1y": relativedelta(years=1),
}
PRESET_CHOICES = [
    ("today", _("Today")), ("3d", _("Last 3 days")), ("1w", _("Last week")),
    ("1m", _("Last month")), ("3m", _("Last 3 months")), ("6m", _("Last 6 months")),
    ("1y", _("Last year")),
]
MODE_CHOICES = [("full", _("Full text")), ("title", _("Title only"))]
ORDERING_CHOICES = [
    ("relevance", _("Relevance")), ("newest", _("Newest first")),
    ("oldest", _("Oldest first")), ("amount", _("Largest amount first")),
    ("amount-asc", _("Smallest amount first")),
]
ORDERINGS = {
    "newest": ("-published_at", "-id"),
    "oldest": ("published_at", "id"),
    "amount": (F("amount").desc(nulls_last=True), "-published_at", "-id"),
    "amount-asc": (F("amount").asc(nulls_last=True), "-published_at", "-id"),
}
# An organisation's id is a bigint: a longer string of digits is a name.
ID_RE = re.compile(r"^\d{1,18}$")


def region_prefix(code: str) -> str:
    """A GB/T 2260 code as the prefix of the codes inside it: 410000 (Henan) → 41,
    411000 (Xuchang) → 4110, 411002 (a district) itself."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


class YuanField(forms.DecimalField):
    """An amount in yuan: digits, a decimal point, thousands separators allowed."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 500000 or 12.50."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,，\s]", "", value).removesuffix("元")
        return super().to_python(value)


class AmountFilter(django_filters.NumberFilter):
    field_class = YuanField


class KindSelect(forms.SelectMultiple):
    """The kinds as a list box: several at once, like ``?kind=tender&kind=result``."""


class PublicationFilterForm(forms.Form):
    """The ranges must not be upside down (``reversed_range``: a refusal that relates two
    parameters, which no schema of one parameter can document)."""

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", forms.ValidationError(
                _("The last day is before the first day."), code="reversed_range"))
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", forms.ValidationError(
                _("The largest amount is smaller than the smallest amount."),
                code="reversed_range"))
        return data


def _keep(queryset, name, value):
    """For the filters the FilterSet applies itself, after the others (q, mode,
    ordering): ``filter_queryset``."""
    return queryset


class PublicationFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search notices"), method=_keep,
                                  max_length=SEARCH_MAX)
    mode = django_filters.ChoiceFilter(label=_("Search in"), choices=MODE_CHOICES,
                                       empty_label=None, method=_keep)
    ordering = django_filters.ChoiceFilter(label=_("Order"), choices=ORDERING_CHOICES,
                                           empty_label=None, method=_keep)
    # distinct=False: kind IN (…) on the row's own column joins nothing, and django-filter's
    # default SELECT DISTINCT over every column took 1.2 s among a million notices.
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind of notice"), choices=PublicationKind.choices, distinct=False,
        widget=KindSelect(attrs={"size": 6}))
    published = django_filters.ChoiceFilter(label=_("Published within"), choices=PRESET_CHOICES,
                                            empty_label=_("Any time"),
                                            method="published_within")
    published_from = django_filters.DateFilter(label=_("Published from"),
                                               method="published_since",
                                               widget=DateInput(format="%Y-%m-%d"))
    published_to = django_filters.DateFilter(label=_("Published until"),
                                             method="published_until",
                                             widget=DateInput(format="%Y-%m-%d"))
    purchaser = django_filters.CharFilter(label=_("Purchaser"), method="organization",
                                          max_length=SEARCH_MAX)
    agency = django_filters.CharFilter(label=_("Procurement agency"), method="organization",
                                       max_length=SEARCH_MAX)
    project_code = django_filters.CharFilter(label=_("Project number"),
                                             lookup_expr="icontains", max_length=30)
    region = django_filters.CharFilter(
        label=_("Region code"), method="in_region", max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", _("A region code is 2 to 12 digits "
                                                    "(GB/T 2260), e.g. 411000."))])
    category = django_filters.ChoiceFilter(label=_("Category"),
                                           choices=Demand.Category.choices,
                                           empty_label=_("All categories"))
    catalogue = django_filters.CharFilter(
        label=_("Catalogue code"), method="in_catalogue", max_length=30,
        validators=[RegexValidator(r"^[A-Za-z0-9]+$", _("A catalogue code is letters and "
                                                        "digits, e.g. A02010104."))])
    method = django_filters.ChoiceFilter(label=_("Procurement method"),
                                         choices=Project.Method.choices,
                                         empty_label=_("All methods"))
    amount_min = AmountFilter(label=_("Amount from (yuan)"), field_name="amount",
                              lookup_expr="gte")
    amount_max = AmountFilter(label=_("Amount up to (yuan)"), field_name="amount",
                              lookup_expr="lte")

    # What the page draws in its first row; the rest under "More filters".
    basic_filters = ("q", "mode", "ordering")

    class Meta:
        model = Publication
        form = PublicationFilterForm
        fields = ["q", "mode", "ordering", "kind", "published", "published_from",
                  "published_to", "purchaser", "agency", "project_code", "region",
                  "category", "catalogue", "method", "amount_min", "amount_max"]

    def __init__(self, data=None, queryset=None, *, now=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.now = now or timezone.now()

    # --- the text and the order, after every other filter ------------------------------

    @property
    def query(self) -> str:
        """The words searched for ('' when none, or when the form refused them)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return (self.form.cleaned_data.get("q") or "").strip()

    @property
    def search_mode(self) -> str:
        if not self.is_bound:
            return "full"
        self.form.is_valid()
        return self.form.cleaned_data.get("mode") or "full"

    @property
    def order(self) -> str:
        """The order of the results: the one asked for, else relevance when there are
        words to rank by, else the newest first."""
        if not self.is_bound or not self.form.is_valid():
            return "newest"
        asked = self.form.cleaned_data.get("ordering")
        if asked == "relevance" or not asked:
            return "relevance" if self.query else "newest"
        return asked

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        backend, query, mode = get_backend(), self.query, self.search_mode
        if query:
            queryset = backend.search(queryset, query, mode=mode)
        ordering = self.form.cleaned_data.get("ordering") or ("relevance" if query
                                                               else "newest")
        if ordering == "relevance":
            if query:
                return backend.order_by_relevance(queryset, query, mode=mode)
            ordering = "newest"
        return queryset.order_by(*ORDERINGS[ordering])

    # --- the filters' methods ----------------------------------------------------------

    def published_within(self, queryset, name, value):
        today = timezone.localtime(self.now, SHANGHAI).date()
        return queryset.filter(published_at__gte=midnight(today - PRESETS[value]))

    def published_since(self, queryset, name, value):
        return since_day(queryset, "published_at", value)

    def published_until(self, queryset, name, value):
        return until_day(queryset, "published_at", value)

    def organization(self, queryset, name, value):
        value = value.strip()
        if ID_RE.match(value):
            return queryset.filter(**{f"{name}_id": int(value)})
        return queryset.filter(**{f"{name}__name__icontains": value})

    def in_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=region_prefix(value))

    def in_catalogue(self, queryset, name, value):
        # catalogue_codes holds the codes separated by spaces: a prefix of any of them.
        value = value.upper()
        return queryset.filter(Q(catalogue_codes__startswith=value)
                               | Q(catalogue_codes__contains=f" {value}"))
