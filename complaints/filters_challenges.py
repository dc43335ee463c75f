"""The filters of the challenge list: one FilterSet, used by the selector, drawn on the
list page and documented as the API's query parameters (a bad value is a 400)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import OrganizationFilter, StyledFilterSet, search_filter
from procurement.models import Project

from .models import Challenge


class ChallengeFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Challenge.Status.choices)
    trigger = django_filters.ChoiceFilter(label=_("What is challenged"),
                                          choices=Challenge.Trigger.choices)
    # An id outside the caller's projects is refused as not found, like one in a path.
    project = OrganizationFilter(label=_("Project"), queryset=Project.objects.all())
    q = search_filter(_("Number or project"))

    class Meta:
        model = Challenge
        fields = ["status", "trigger", "project", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(project__code__icontains=value)
                               | Q(project__title__icontains=value))
