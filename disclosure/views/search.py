"""The portal's search page: ``/notices/`` lists every published notice, newest first,
and searches them (``selectors.publication_search``: the same FilterSet as the API)."""

import hashlib

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from procurement.selectors import public_intentions

from ..caching import cached_list, portal_version
from ..search.backends import RANK_WINDOW, get_backend
from ..selectors import CappedPaginator, publication_search

PER_PAGE = 20


# How long a rendered result list is kept; a publication changes the portal version and
# with it every key at once, so this only bounds the memory a rare query holds.
CONTENT_SECONDS = 300


@cached_list
def notice_list(request):
    """The search page. Its content (the form, the results, the count) depends only on
    the query string, the language, the day (the date presets) and what is published:
    it is rendered once per portal version and kept in the cache, so a popular page —
    the first page of the newest notices, a common search — costs a cache read, not four
    queries and a form. The page around it (the navigation, the language switch with its
    CSRF token) is rendered for each request."""
    key = "disclosure:list:" + hashlib.sha256("\x1f".join(map(str, (
        portal_version(), get_language(), timezone.localdate(),
        request.GET.urlencode()))).encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        context = _content_context(request)
        content = render_to_string("disclosure/_notice_list_content.html", context, request)
        cache.set(key, content, CONTENT_SECONDS)
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
    # "More filters" stays open while one of them is in use or refused.
    basic = filterset.basic_filters
    more_open = any(request.GET.get(name) for name in filterset.filters
                    if name not in basic) or any(name not in basic
                                                 for name in filterset.form.errors)
    return {"page": page, "filter": filterset, "query": query, "more_open": more_open,
            "rank_window": RANK_WINDOW if query and filterset.order == "relevance" else None,
            "intentions": public_intentions()[:10]}


urlpatterns = [
    path("notices/", notice_list, name="notice-list"),
]
