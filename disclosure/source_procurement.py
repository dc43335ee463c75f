"""Procurement's public notices: the procurement intentions (财库〔2020〕10号) and every
announcement of a project (101号令) — tender, qualification, single-source publicity,
clarification, result, result change, failure, cancellation and contract."""

from django.urls import reverse

from procurement.models import Announcement, ProcurementIntention

from . import sources
from .models import PublicationKind as K

ANNOUNCEMENT_KINDS = {
    Announcement.Kind.TENDER: K.TENDER,
    Announcement.Kind.QUALIFICATION: K.QUALIFICATION,
    Announcement.Kind.SINGLE_SOURCE: K.SINGLE_SOURCE,
    Announcement.Kind.CLARIFICATION: K.CLARIFICATION,
    Announcement.Kind.RESULT: K.RESULT,
    Announcement.Kind.RESULT_CHANGE: K.RESULT_CHANGE,
    Announcement.Kind.FAILURE: K.FAILURE,
    Announcement.Kind.CANCELLATION: K.CANCELLATION,
    Announcement.Kind.CONTRACT: K.CONTRACT,
}


def project_fields(project) -> dict:
    """What a notice about a project is filtered by: the project, its purchaser and
    agency, the purchaser's region, the demand's category and the items' catalogue
    codes, the method and the budget."""
    demand = project.demand
    codes = sorted({item.catalog_item.code for item in demand.items.all()
                    if item.catalog_item_id})
    return {"project": project, "project_code": project.code,
            "purchaser": project.purchaser, "agency": project.agency,
            "region_code": project.purchaser.region_code, "category": demand.category,
            "catalogue_codes": " ".join(codes)[:300], "method": project.method,
            "amount": project.budget}


def announcement(notice: Announcement) -> dict | None:
    kind = ANNOUNCEMENT_KINDS.get(notice.kind)
    if kind is None:
        return None
    fields = {**project_fields(notice.project), "kind": kind, "title": notice.title,
              "body": notice.body, "published_at": notice.published_at,
              "url": reverse("disclosure:notice-detail", args=[notice.pk])}
    amount = (notice.fields or {}).get("amount")
    if kind in (K.RESULT, K.CONTRACT) and amount:
        fields["amount"] = amount
    # The winner (result, contract) or the named supplier (single source) is searched too.
    names = [(notice.fields or {}).get(key) for key in ("winner", "supplier", "revoked_winner")]
    fields["parties"] = " ".join(n if isinstance(n, str) else (n or {}).get("name", "")
                                 for n in names if n)
    return fields


def intention(record: ProcurementIntention) -> dict:
    return {"kind": K.INTENTION, "title": record.title, "body": record.summary,
            "published_at": record.published_at, "purchaser": record.purchaser,
            "region_code": record.purchaser.region_code, "amount": record.budget,
            "url": reverse("disclosure:intention-detail", args=[record.pk])}


def register() -> None:
    sources.register(Announcement, announcement, queryset=lambda: (
        Announcement.objects.select_related("project__purchaser", "project__agency",
                                            "project__demand")
        .prefetch_related("project__demand__items__catalog_item", "project__lots")
        .order_by("pk")))
    sources.register(ProcurementIntention, intention, queryset=lambda: (
        ProcurementIntention.objects.select_related("purchaser").order_by("pk")))
