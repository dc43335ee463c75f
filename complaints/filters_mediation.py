"""The mediation list's filters: one FilterSet for the page's form, the selector's
query and the API's documented query parameters."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import StyledFilterSet, YearFilter, search_filter

from .models import Mediation


class MediationFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Mediation.Status.choices,
                                         empty_label=_("All statuses"))
    subject = django_filters.ChoiceFilter(label=_("Dispute about"),
                                          choices=Mediation.Subject.choices,
                                          empty_label=_("All disputes"))
    year = YearFilter(label=_("Year requested"), field_name="requested_at",
                      lookup_expr="year")
    q = search_filter(_("Search"))

    class Meta:
        model = Mediation
        fields = ["status", "subject", "year", "q"]

    def __init__(self, data=None, queryset=None, *, organization=None, **kwargs):
        super().__init__(data, queryset, **kwargs)

    def search(self, queryset, name, value):
        """The mediation's or the contract's number, the contract's title, a party."""
        return queryset.filter(Q(number__icontains=value) | Q(contract__number__icontains=value)
                               | Q(contract__title__icontains=value)
                               | Q(applicant__name__icontains=value)
                               | Q(respondent__name__icontains=value))
