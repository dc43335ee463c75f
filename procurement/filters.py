"""The filters of procurement's lists: one FilterSet per list, applied by its selector
(``projects_visible_to``, ``demands_visible_to``, ``public_notices``, ``bids_of``),
rendered as the list page's filter form and documented as the API's query parameters.

The same FilterSet therefore decides what a page shows and what the API returns: a
value it refuses is a form error on the page and a 400 in the API (``check_filters``),
never a server error, and never silently a different list.

The shared pieces (styling, the API's check and documentation) are in ``core.filters``.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from accounts.models import Organization
from core.filters import DateInput, OrganizationFilter, StyledFilterSet, YearFilter, search_filter

from .models import Announcement, Bid, Demand, Project

K = Organization.Kind


def _date_filter(label, lookup_expr):
    return django_filters.DateFilter(label=label, field_name="published_at",
                                     lookup_expr=lookup_expr,
                                     widget=DateInput(format="%Y-%m-%d"))


class ProjectFilterSet(StyledFilterSet):
    """Over ``selectors.projects_visible_to``'s scope. The purchaser filter offers the
    purchasers of that scope: all of them for supervision, an agency's clients, and for a
    purchaser only itself (the page shows the filter to those who see several)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices,
                                         empty_label=_("All statuses"))
    method = django_filters.ChoiceFilter(label=_("Procurement method"),
                                         choices=Project.Method.choices,
                                         empty_label=_("All methods"))
    purchaser = OrganizationFilter(label=_("Purchaser"), queryset=Organization.objects.none(),
                                   empty_label=_("All purchasers"))
    year = YearFilter(label=_("Budget year"), field_name="budget_line__year")
    q = search_filter(_("Project, number or purchaser"))

    class Meta:
        model = Project
        fields = ["status", "method", "purchaser", "year", "q"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["purchaser"].queryset = Organization.objects.filter(
            pk__in=self.queryset.values("purchaser")).order_by("name")

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(code__icontains=value)
                               | Q(purchaser__name__icontains=value))


class DemandFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Demand.Status.choices,
                                         empty_label=_("All statuses"))
    category = django_filters.ChoiceFilter(label=_("Category"),
                                           choices=Demand.Category.choices,
                                           empty_label=_("All categories"))

    class Meta:
        model = Demand
        fields = ["status", "category"]


class NoticeFilterSet(StyledFilterSet):
    """The public notices: by kind, by text, by the day of publication (Asia/Shanghai)."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Announcement.Kind.choices,
                                       empty_label=_("All notices"))
    q = search_filter(_("Project, number or purchaser"))
    published_from = _date_filter(_("Published from"), "date__gte")
    published_to = _date_filter(_("Published until"), "date__lte")

    class Meta:
        model = Announcement
        fields = ["kind", "q", "published_from", "published_to"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(project__code__icontains=value)
                               | Q(project__purchaser__name__icontains=value))


class BidFilterSet(StyledFilterSet):
    """A supplier's own bids (``selectors.bids_of``)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Bid.Status.choices,
                                         empty_label=_("All statuses"))

    class Meta:
        model = Bid
        fields = ["status"]
