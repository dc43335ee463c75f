"""Reads of the inquiries part, scoped to the person asking: a supplier sees its own
questions, the purchaser and its agency those about their projects, the finance bureau
all of them."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from deadlines.services import running_deadline

from .filters_inquiries import InquiryFilterSet
from .models import Inquiry

K = Organization.Kind


def scope(queryset, organization: Organization | None):
    """``queryset`` (of a model with ``project`` and ``supplier``) as ``organization``
    may see it."""
    if organization is None:
        return queryset.none()
    if organization.kind == K.FINANCE:
        return queryset
    if organization.kind == K.SUPPLIER:
        return queryset.filter(supplier=organization)
    return queryset.filter(Q(project__purchaser=organization)
                           | Q(project__agency=organization))


def inquiries_visible_to(*, user, organization: Organization | None):
    return scope(Inquiry.objects.select_related("project", "supplier"), organization)


def inquiry_filterset(*, user, organization, filters=None) -> InquiryFilterSet:
    """The caller's inquiries filtered by ``filters`` (the list page's and the API's)."""
    queryset = inquiries_visible_to(user=user, organization=organization)
    return InquiryFilterSet(filters if filters is not None else {}, queryset=queryset)


def inquiry_or_404(*, pk, user, organization) -> Inquiry:
    return get_object_or_404(inquiries_visible_to(user=user, organization=organization)
                             .select_related("project__purchaser", "project__agency",
                                             "answered_by", "answered_for"), pk=pk)


def inquiry_detail(inquiry: Inquiry) -> dict:
    """What the page and the API show of an inquiry: the question, the answer, the clock."""
    return {"inquiry": inquiry, "clock": running_deadline(subject=inquiry,
                                                          clock="inquiry.answer")}
