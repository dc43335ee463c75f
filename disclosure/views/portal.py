"""The public notices: everything the law says is public (101号令), for everyone."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from procurement import steps
from procurement.announcements import notice_rows
from procurement.models import Announcement
from procurement.panels import render_panels
from procurement.selectors import public_intentions, supplier_invitation

from ..caching import cached_detail
from ..models import Publication
from .documents import documents_of


@cached_detail(Announcement)
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
        # Every notice of the project, whichever app published it (result, contract,
        # challenge answers, complaint decisions …), in the order of its life.
        "notice": notice, "others": project_publications(project, exclude=notice),
        "rows": notice_rows(notice), "documents": documents_of(notice),
        "provisional": notice.fields.get("provisional", False),
        "bidding_open": bidding_open,
        # What higher apps show about the project here (procurement.panels).
        "panels": render_panels(request, project),
        # 邀请招标: the supplier's application, and whether it may bid (法 第34条).
        "invitation": supplier_invitation(project, getattr(request, "organization", None)),
        "open_lots": [lot for lot in project.lots.all() if steps.LOT.can(lot, "open")]
        if bidding_open else []})


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
