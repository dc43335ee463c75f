"""The procurement documents (采购文件) of an announced project, public with its notice.

The budget is published with the announcement and the documents (条例 第30条; 春风行动
第11条), and the documents are free here: anyone may read what is bought, the
requirements, the qualification conditions and how bids are judged — on the notice's page
and as a PDF. Obtaining them as a supplier (``procurement.services.documents_obtain``) is
what records a potential bidder, so that clarifications reach it; reading them here
records nothing and shows nobody who else has them.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone

from procurement.models import Announcement
from procurement.pdf import render_pdf

# The notices that carry a project's documents: a tender, a qualification notice (邀请招标),
# a single source's publicity.
WITH_DOCUMENTS = (Announcement.Kind.TENDER, Announcement.Kind.QUALIFICATION,
                  Announcement.Kind.SINGLE_SOURCE)


def documents_of(notice: Announcement) -> dict | None:
    """What the documents say, lot by lot: the lots with their budgets, ceilings and
    items, and the demand's requirements, conditions and evaluation criteria."""
    if notice.kind not in WITH_DOCUMENTS:
        return None
    project = notice.project
    demand = project.demand
    lots = list(project.lots.order_by("number").prefetch_related("items__catalog_item"))
    return {"project": project, "demand": demand, "lots": lots,
            "criteria": list(demand.criteria.all()),
            "budget": sum((lot.budget for lot in lots), start=0)}


def documents_pdf(request, pk):
    notice = get_object_or_404(Announcement.objects.select_related(
        "project__purchaser", "project__agency", "project__demand"), pk=pk)
    documents = documents_of(notice)
    if documents is None:
        raise Http404
    pdf = render_pdf("disclosure/pdf/documents.html", {
        **documents, "notice": notice, "generated": timezone.localtime()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{notice.project.code}-documents.pdf"')
    return response


urlpatterns = [
    path("notices/<int:pk>/documents.pdf", documents_pdf, name="notice-documents-pdf"),
]
