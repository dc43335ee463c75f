"""The portal's feeds (RSS 2.0 and Atom 1.0), Django's syndication framework.

- every notice: ``/notices/feed/`` (RSS), ``/notices/feed/atom/``; with the search page's
  query string (``/notices/?q=办公设备&kind=tender`` → ``/notices/feed/?q=办公设备&kind=tender``)
  the feed is that saved search's;
- one kind of notice (``PublicationKind``): ``/notices/feed/kind/<kind>/`` and ``…/atom/``;
- one purchaser's notices (its Organization id): ``/notices/feed/purchaser/<id>/`` and
  ``…/atom/``.

Each has the 50 newest notices: title, link (the notice's own page, absolute), the first
200 characters of its text, its dates, its kind as category, and a guid that is the
notice's own address (``Publication.url``, the stable address a notice keeps — a rebuilt
index keeps it while the row's id changes). The XML is written by Django's feed
generator in UTF-8, so Chinese is written as is and ``<``, ``&`` are escaped.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from accounts.models import Organization

from .models import Publication, PublicationKind
from .selectors import publication_search

ITEMS = 50
DESCRIPTION_CHARS = 200


# --- which publications ----------------------------------------------------------------


def search_publications(filters) -> QuerySet:
    """The publications a search page's query string selects, newest first: the search
    page's own read (``selectors.publication_search``), so a saved search's feed carries
    exactly what the page finds; a query string the page would refuse (an unknown kind,
    a bad amount) is a feed that does not exist."""
    params = filters.copy() if hasattr(filters, "copy") else dict(filters)
    params.pop("page", None)
    if hasattr(params, "setlist"):
        params.setlist("ordering", ["newest"])
    else:
        params["ordering"] = "newest"
    filterset = publication_search(filters=params)
    if not filterset.is_valid():
        raise Http404("bad search")
    return filterset.qs


# --- the feeds -------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What one request's feed is of. The feed objects are shared by the server's
    threads: the request travels in this, never on ``self``."""

    request: HttpRequest
    kind: PublicationKind | None = None
    purchaser: Organization | None = None


class NoticeFeed(Feed):
    """Every notice, or a saved search's (the search page's query string)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return Selection(request)

    def publications(self, obj):
        return search_publications(obj.request.GET)

    def items(self, obj):
        return self.publications(obj).select_related(None).only(
            "kind", "title", "body", "url", "published_at", "updated_at")[:ITEMS]

    def title(self, obj):
        if obj.request.GET.get("q"):
            return _("Chunfeng e-Procurement: notices matching “%(q)s”") % {
                "q": obj.request.GET["q"]}
        return _("Chunfeng e-Procurement: procurement notices")

    def link(self, obj):
        query = obj.request.GET.urlencode()
        return reverse("disclosure:notice-list") + (f"?{query}" if query else "")

    def description(self, obj):
        return _("The newest public procurement notices of Chunfeng e-Procurement.")

    # The items. Their guid is their link (the framework's default): the notice's own
    # address, absolute.
    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.url

    def item_description(self, item):
        text = " ".join(item.body.split())  # the notice's line breaks are not the feed's
        return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS - 1] + "…"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.kind_label]


class KindFeed(NoticeFeed):
    """The notices of one kind."""

    def get_object(self, request, kind):
        if kind not in PublicationKind.values:
            raise Http404("unknown kind")
        return Selection(request, kind=PublicationKind(kind))

    def publications(self, obj):
        return Publication.objects.filter(kind=obj.kind.value)

    def title(self, obj):
        return _("Chunfeng e-Procurement: %(kind)s") % {"kind": obj.kind.label}

    def link(self, obj):
        return reverse("disclosure:notice-list") + f"?kind={obj.kind.value}"


class PurchaserFeed(NoticeFeed):
    """One purchaser's notices."""

    def get_object(self, request, pk):
        return Selection(request, purchaser=get_object_or_404(
            Organization.objects.only("pk", "name"), pk=pk))

    def publications(self, obj):
        return Publication.objects.filter(purchaser=obj.purchaser)

    def title(self, obj):
        return _("Chunfeng e-Procurement: notices of %(purchaser)s") % {
            "purchaser": obj.purchaser.name}

    def link(self, obj):
        return reverse("disclosure:notice-list") + f"?purchaser={obj.purchaser.pk}"


def atom(feed_class):
    """The same feed in Atom 1.0 (its ``subtitle`` is the RSS description)."""
    return type(f"Atom{feed_class.__name__}", (feed_class,), {
        "feed_type": Atom1Feed, "subtitle": feed_class.description,
        "__doc__": f"{feed_class.__doc__} (Atom)"})
