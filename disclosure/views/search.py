"""The portal's search page: ``/notices/`` lists every published notice, newest first,
and searches them (``selectors.publication_search``: the same FilterSet as the API)."""

import hashlib

from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from procurement.selectors import public_intentions

from ..caching import cached_list, cached_page, portal_version, set_part
from ..search.backends import RANK_WINDOW, get_backend
from ..selectors import CappedPaginator, publication_search

PER_PAGE = 20


# How long a rendered result list is kept; a publication changes the portal version and
# with it every key at once, so this only bounds the memory a rare query holds.
CONTENT_SECONDS = 300


def _today(request):
    return timezone.localdate()


@cached_list
@cached_page(vary=_today)
def notice_list(request):
    """The search page. Its content (the form, the results, the count) depends only on
    the query string, the language, the day (the date presets) and what is published:
    it is rendered once per portal version and kept in the cache, so a popular page —
    the first page of the newest notices, a common search — costs a cache read, not four
    queries and a form. For an anonymous reader the whole page is kept too
    (``cached_page``); for a person logged in, the page around the content (their
    navigation and inbox) is rendered for each request."""
    key = "disclosure:list:" + hashlib.sha256("\x1f".join(map(str, (
        portal_version(request), get_language(), timezone.localdate(),
        request.GET.urlencode()))).encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        context = _content_context(request)
        content = render_to_string("disclosure/_notice_list_content.html", context, request)
        set_part(key, content, CONTENT_SECONDS)
    return render(request, "disclosure/notice_list.html", {
        "content": mark_safe(content),  # noqa: S308 — our own template's output
        "query": (request.GET.get("q") or "").strip()})


def _content_context(request) -> dict:
    filterset = publication_search(filters=request.GET)
    page = CappedPaginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    backend, query = get_backend(), filterset.query
    for publication in page:
        publication.title_html = backend.highlight(publication.title, query, length=None)
        publication.snippet = backend.highlight(publication.body, query)
    return {"page": page, "filters_html": _filters_html(request, filterset), "query": query,
            "rank_window": RANK_WINDOW if query and filterset.order == "relevance" else None,
            "intentions_html": _intentions_html(request)}


# A word no query has: jieba keeps it whole, the form keeps it as it is.
WORDS_PLACEHOLDER = "cfsearchwordsplaceholder"


def _filters_html(request, filterset) -> str:
    """The search form. Its sixteen fields are the same for every search with the same
    filters, whatever the words: it is rendered once per language, day and filters with
    a placeholder for the words, kept, and the words (escaped, as the form escapes them)
    put in its place — a new search does not render the form again. A form with an
    error is rendered as it is."""
    if not filterset.is_valid():
        return _render_filters(request, filterset)
    # The form's own fields only: the page number and anything the form ignores do not
    # change it.
    data = QueryDict(mutable=True)
    for name in filterset.form.fields:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    words = request.GET.get("q", "")
    data["q"] = WORDS_PLACEHOLDER if words else ""
    key = "disclosure:filters:" + hashlib.sha256("\x1f".join(map(str, (
        get_language(), timezone.localdate(), data.urlencode()))).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = _render_filters(request, publication_search(filters=data))
        set_part(key, html, CONTENT_SECONDS)
    return mark_safe(html.replace(WORDS_PLACEHOLDER, escape(words)))  # noqa: S308


def _render_filters(request, filterset) -> str:
    # "More filters" stays open while one of them is in use or refused.
    basic = filterset.basic_filters
    more_open = any(request.GET.get(name) for name in filterset.filters
                    if name not in basic) or any(name not in basic
                                                 for name in filterset.form.errors)
    return render_to_string("disclosure/_notice_filters.html",
                            {"filter": filterset, "more_open": more_open}, request)


def _intentions_html(request) -> str:
    """The newest procurement intentions beside the results: the same for every search,
    rendered once per portal version and language."""
    key = f"disclosure:list-intentions:{portal_version(request)}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("disclosure/_notice_list_intentions.html",
                                {"intentions": public_intentions()[:10]}, request)
        set_part(key, html, CONTENT_SECONDS)
    return mark_safe(html)  # noqa: S308 — our own template's output


urlpatterns = [
    path("notices/", notice_list, name="notice-list"),
]
