"""The notices that have no page of their own elsewhere — a lot's opening result, a
public service's acceptance result, an administrative penalty, a bad-behaviour listing —
the changes a clarification makes to its tender, and every publication's print view and
PDF.

Each page asks the notice's source (``disclosure.sources``) for the record as it is now:
a record that is not public (any more) is a 404 here even before the index catches up.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.models import BadBehaviourListing, Penalty
from contracts.models import Acceptance
from procurement.models import Announcement, Lot
from procurement.pdf import render_pdf

from ..amendments import changes
from ..caching import PAGE_SECONDS, portal_version
from ..models import Publication, PublicationKind
from ..sources import source_of


def publication_of(record) -> Publication | None:
    return Publication.objects.filter(
        source_type=ContentType.objects.get_for_model(type(record)), source_id=record.pk).first()


def _page(request, record, *, back: tuple[str, str] | None = None):
    fields = source_of(type(record)).fn(record)
    if fields is None:
        raise Http404
    return render(request, "disclosure/publication_detail.html", {
        "fields": fields, "kind": PublicationKind(fields["kind"]).label,
        "publication": publication_of(record), "rows": fields.get("rows"),
        "back": back or (reverse("disclosure:notice-list"), _("Procurement notices"))})


def opening_detail(request, pk):
    lot = get_object_or_404(Lot.objects.select_related("project__purchaser",
                                                       "project__agency"), pk=pk)
    return _page(request, lot)


def acceptance_detail(request, pk):
    record = get_object_or_404(Acceptance.objects.select_related(
        "contract__purchaser", "contract__supplier", "contract__award__lot__project"), pk=pk)
    return _page(request, record)


def penalty_detail(request, pk):
    record = get_object_or_404(Penalty.objects.select_related("organization", "expert"),
                               pk=pk)
    return _page(request, record, back=(reverse("complaints:credit-penalties-public"),
                                        _("Administrative penalties")))


def listing_detail(request, pk):
    record = get_object_or_404(BadBehaviourListing.objects.select_related(
        "organization", "expert", "penalty"), pk=pk)
    return _page(request, record, back=(reverse("complaints:credit-bad-behaviour-public"),
                                        _("Bad-behaviour list")))


def notice_changes(request, pk):
    """A clarification's changes to its tender (the text before and after it), or a
    tender's changes by each of its clarifications in turn."""
    notice = get_object_or_404(Announcement.objects.select_related("project"), pk=pk)
    steps = changes(notice)
    if not steps and notice.kind == Announcement.Kind.CLARIFICATION:
        raise Http404
    return render(request, "disclosure/notice_changes.html",
                  {"notice": notice, "steps": steps})


# --------------------------------------------------------------- print and PDF


def _printable(request, pk) -> dict:
    """The publication as its source makes it now: 404 when the row does not exist or
    its record is not public any more. Kept in the cache under the portal version (every
    change to a record re-indexes it and changes the version) for ``PAGE_SECONDS``,
    except a record public only for a period (``Source.timeless``); only the time of
    printing is the request's own."""
    key = "disclosure:print:" + ":".join(map(str, (
        pk, portal_version(request), get_language(), request.scheme, request.get_host())))
    printable = cache.get(key)
    if printable is None:
        printable, timeless = _printable_now(request, pk)
        if timeless:
            cache.set(key, printable, PAGE_SECONDS)
    return {**printable, "printed_at": timezone.now()}


def _printable_now(request, pk) -> tuple[dict, bool]:
    publication = get_object_or_404(Publication.objects.select_related(
        "source_type", "purchaser", "agency"), pk=pk)
    model = publication.source_type.model_class()
    source = source_of(model) if model is not None else None
    record = model._default_manager.filter(pk=publication.source_id).first() \
        if source is not None else None
    fields = source.fn(record) if record is not None else None
    if fields is None:
        raise Http404
    publisher = fields.get("publisher") or getattr(
        publication.agency or publication.purchaser, "name", "")
    return {"publication": publication, "title": fields["title"],
            "kind": str(PublicationKind(fields["kind"]).label), "publisher": publisher,
            "published_at": fields["published_at"], "body": fields.get("body", ""),
            "address": request.build_absolute_uri(fields["url"])}, source.timeless


def publication_print(request, pk):
    return render(request, "disclosure/publication_print.html", _printable(request, pk))


def publication_pdf(request, pk):
    context = _printable(request, pk)
    pdf = render_pdf("disclosure/publication_print.html", {**context, "pdf": True})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{pk}.pdf"'
    return response


urlpatterns = [
    path("notices/openings/<int:pk>/", opening_detail, name="opening-detail"),
    path("notices/acceptances/<int:pk>/", acceptance_detail, name="acceptance-detail"),
    path("notices/penalties/<int:pk>/", penalty_detail, name="penalty-detail"),
    path("notices/bad-behaviour/<int:pk>/", listing_detail, name="listing-detail"),
    path("notices/<int:pk>/changes/", notice_changes, name="notice-changes"),
    path("notices/p/<int:pk>/print/", publication_print, name="publication-print"),
    path("notices/p/<int:pk>/pdf", publication_pdf, name="publication-pdf"),
]
