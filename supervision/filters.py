"""The compliance interceptions' filters (django-filter): the list page, its exports and
the API read the same FilterSet (``selectors.interceptions``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from accounts.models import Organization
from audit.models import AuditEvent
from core.filters import DateInput, OrganizationFilter, StyledFilterSet, since_day, until_day


class InterceptionFilterSet(StyledFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), method="of_kind", empty_label=_("Refusals and overrides"),
        choices=[("refusal", _("Refused by the platform")),
                 ("override", _("Warning overridden"))])
    code = django_filters.CharFilter(label=_("Rule code"), method="of_code", max_length=60)
    basis = django_filters.CharFilter(label=_("Legal basis contains"),
                                      field_name="detail__basis", lookup_expr="icontains",
                                      max_length=100)
    organization = OrganizationFilter(label=_("Organisation"),
                                      queryset=Organization.objects.none(),
                                      empty_label=_("All organisations"))
    since = django_filters.DateFilter(label=_("From"), method="from_day", widget=DateInput)
    until = django_filters.DateFilter(label=_("Until"), method="until_day", widget=DateInput)

    class Meta:
        model = AuditEvent
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organization"].queryset = Organization.objects.order_by("name")

    def of_kind(self, queryset, name, value):
        from audit.actions import override_actions

        if value == "refusal":
            return queryset.filter(action__endswith="refused")
        return queryset.filter(action__in=override_actions())

    def of_code(self, queryset, name, value):
        return queryset.filter(Q(detail__code=value.strip()))

    def from_day(self, queryset, name, value):
        return since_day(queryset, "at", value)

    def until_day(self, queryset, name, value):
        return until_day(queryset, "at", value)
