"""Reading the finance bureau's publications: its normative documents (the public see the
published ones; its own staff their drafts too) and the decided method approvals."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from procurement.models import MethodApproval

from .models import NormativeDocument

NS = NormativeDocument.Status


def normative_public(*, status: str = "", query: str = ""):
    qs = NormativeDocument.objects.exclude(status=NS.DRAFT)
    if status in (NS.IN_FORCE, NS.REPEALED):
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(number__icontains=query))
    return qs.order_by("-issued_on", "-id")


def normative_of_bureau(bureau: Organization):
    """Everything the bureau drafted, published or repealed, drafts first."""
    return NormativeDocument.objects.filter(bureau=bureau).select_related(
        "created_by", "published_by").order_by("status", "-created_at", "-id")


def normative_visible(*, organization: Organization | None, pk: int) -> NormativeDocument:
    """A published document for everyone; a draft for its bureau's staff only (404 for
    anyone else: an outsider does not learn that a draft exists)."""
    document = get_object_or_404(NormativeDocument.objects.select_related("bureau"), pk=pk)
    if document.status == NS.DRAFT and (organization is None
                                        or organization.pk != document.bureau_id):
        raise Http404
    return document


def approval_public(pk: int) -> MethodApproval:
    """A decided method approval (pending ones are not public)."""
    return get_object_or_404(
        MethodApproval.objects.exclude(status=MethodApproval.Status.PENDING)
        .select_related("project__purchaser", "project__agency"), pk=pk)
