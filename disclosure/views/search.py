"""The portal's search page: ``/notices/`` lists every published notice, newest first,
and searches them (``selectors.publication_search``: the same FilterSet as the API)."""

from django.shortcuts import render
from django.urls import path

from procurement.selectors import public_intentions

from ..caching import cached_list
from ..search.backends import RANK_WINDOW, get_backend
from ..selectors import CappedPaginator, publication_search

PER_PAGE = 20


@cached_list
def notice_list(request):
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
    return render(request, "disclosure/notice_list.html", {
        "page": page, "filter": filterset, "query": query, "more_open": more_open,
        "rank_window": RANK_WINDOW if query and filterset.order == "relevance" else None,
        "intentions": public_intentions()[:10]})


urlpatterns = [
    path("notices/", notice_list, name="notice-list"),
]
