"""The filters of the inquiry list (selector, list page and API query parameters)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import OrganizationFilter, StyledFilterSet, search_filter
from procurement.models import Project

from .models import Inquiry


class InquiryFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Inquiry.Status.choices)
    # An id outside the caller's projects is refused as not found, like one in a path.
    project = OrganizationFilter(label=_("Project"), queryset=Project.objects.all())
    q = search_filter(_("Project or question"))

    class Meta:
        model = Inquiry
        fields = ["status", "project", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(project__code__icontains=value)
                               | Q(project__title__icontains=value)
                               | Q(question__icontains=value))
