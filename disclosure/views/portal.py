"""The public notices: everything the law says is public (101号令), for everyone."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from procurement import steps
from procurement.announcements import notice_rows
from procurement.models import Announcement
from procurement.panels import render_panels
from procurement.selectors import public_intentions, supplier_invitation

from ..caching import cached_detail, cached_page, portal_version, set_part
from ..models import Publication
from .documents import documents_of


@cached_detail(Announcement)
@cached_page
def notice_detail(request, pk):
    notice = get_object_or_404(Announcement.objects.select_related("project",
                                                                   "project__purchaser"), pk=pk)
    project = notice.project
    # A tender takes bids while its lots wait for their opening (steps.PROJECT, steps.LOT).
    # A single source's publicity also takes the named supplier's response (its only
    # bidder: bidding.check_invited).
    bidding_open = notice.kind in (Announcement.Kind.TENDER, Announcement.Kind.SINGLE_SOURCE) \
        and steps.PROJECT.can(project, "open")
    return render(request, "disclosure/notice_detail.html", {
        "notice": notice, "fragment": _notice_fragment(request, notice),
        "bidding_open": bidding_open,
        # What higher apps show about the project here (procurement.panels).
        "panels": render_panels(request, project),
        # 邀请招标: the supplier's application, and whether it may bid (法 第34条).
        "invitation": supplier_invitation(project, getattr(request, "organization", None)),
        "open_lots": [lot for lot in project.lots.all() if steps.LOT.can(lot, "open")]
        if bidding_open else []})


# How long a notice's rendered parts are kept; a publication changes the portal version
# and with it every key at once.
FRAGMENT_SECONDS = 300


def _notice_fragment(request, notice: Announcement) -> dict:
    """The parts of the page that depend on the notice alone — its text with the
    statute's particulars, the documents, the project's other notices — rendered once
    per notice, language and portal version and kept in the cache. Every change to a
    notice re-indexes it and so changes the version. What depends on who is looking or
    on the time (the bid buttons, the challenge windows) is rendered for each request."""
    key = f"disclosure:notice:{notice.pk}:{portal_version(request)}:{get_language()}"
    fragment = cache.get(key)
    if fragment is None:
        context = {"notice": notice, "rows": notice_rows(notice),
                   "documents": documents_of(notice),
                   "provisional": notice.fields.get("provisional", False),
                   # Every notice of the project, whichever app published it (result,
                   # contract, challenge answers, complaint decisions …), in the order of
                   # its life.
                   "others": project_publications(notice.project, exclude=notice)}
        fragment = {part: render_to_string(f"disclosure/_notice_{part}.html", context,
                                           request) for part in ("article", "others")}
        set_part(key, fragment, FRAGMENT_SECONDS)
    return {part: mark_safe(html) for part, html in fragment.items()}  # noqa: S308


def project_publications(project, *, exclude=None):
    """The project's publications, oldest first, without ``exclude``'s own."""
    publications = Publication.objects.filter(project=project).order_by("published_at", "id")
    if exclude is not None:
        publications = publications.exclude(url=exclude.get_absolute_url())
    return publications


def intention_detail(request, pk):
    intention = get_object_or_404(public_intentions(), pk=pk)
    return render(request, "disclosure/intention_detail.html", {"intention": intention})


urlpatterns = [
    path("notices/<int:pk>/", notice_detail, name="notice-detail"),
    path("notices/intentions/<int:pk>/", intention_detail, name="intention-detail"),
]
