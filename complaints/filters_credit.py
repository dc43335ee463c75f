"""Filters of the credit part's lists (``core.filters``): the same FilterSet narrows the
selector's queryset, draws the page's filters and documents the API's parameters."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.filters import StyledFilterSet, search_filter

from .models import BadBehaviourListing, Penalty

GRADE_CHOICES = [(g, g) for g in "ABCD"]


class PenaltyFilterSet(StyledFilterSet):
    """The published penalties: by kind, by name or decision number."""

    kind = django_filters.ChoiceFilter(label=_("Penalty"), choices=Penalty.Kind.choices,
                                       empty_label=_("All penalties"))
    q = search_filter(_("Name or decision number"))

    class Meta:
        model = Penalty
        fields = ["kind", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(organization__name__icontains=value)
                               | Q(expert__real_name__icontains=value)
                               | Q(decision_number__icontains=value))


class ListingFilterSet(StyledFilterSet):
    """The bad-behaviour list in force: by name."""

    q = search_filter(_("Name"))

    class Meta:
        model = BadBehaviourListing
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(organization__name__icontains=value)
                               | Q(expert__real_name__icontains=value))


class OverviewFilterSet(StyledFilterSet):
    """The finance bureau's credit overview: by grade, kind, name."""

    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=GRADE_CHOICES,
                                        empty_label=_("All grades"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organization.Kind.choices,
                                       empty_label=_("All kinds"))
    q = search_filter(_("Name"))

    class Meta:
        model = Organization
        fields = ["grade", "kind", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)
