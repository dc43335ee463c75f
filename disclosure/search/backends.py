"""Where the portal's full-text search runs: one small interface, one backend per engine.

``get_backend()`` returns the backend that ``settings.PORTAL_SEARCH_BACKEND`` names (a
dotted path to a ``SearchBackend`` subclass); unset, it is ``PostgresBackend`` on
PostgreSQL and ``LikeBackend`` elsewhere (SQLite: development and the demo).

A backend answers three questions, always over a ``Publication`` queryset, so that every
other filter (kind, purchaser, dates, amount …) stays the database's and the search page,
its API and its pagination do not know which engine found the rows:

- ``search(queryset, query, *, mode)`` — the rows whose words hold every word of the
  query (``mode="title"``: in the title; ``"full"``: in the title, the text or the
  parties' names);
- ``order_by_relevance(queryset, query, *, mode)`` — the same rows, best first (the
  newest first among equals): a queryset, or a ``RankedWindow`` (the ids in their order,
  each page read by primary key) where the engine ranks outside the queryset;
- ``highlight(text, query)`` — a snippet of the text around the first word found, the
  query's words in ``<mark>``, as safe HTML (the text is plain text, escaped here).

The words are ``segment.query_words(query)``: the query cut by jieba as the text was
when it was indexed (``disclosure.indexing``), so a word of the query is a word of the
index. A query without a word (punctuation only) searches nothing: every row is kept.

A province-sized deployment moves the search to OpenSearch by writing a backend whose
``search`` asks OpenSearch for the matching ids and returns
``queryset.filter(pk__in=ids)``, and whose ``order_by_relevance`` returns a
``RankedWindow`` of the ids in OpenSearch's order;
the index is fed from ``disclosure.indexing.index`` (docs/operations.md).
"""

import re
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from .segment import query_words

MODES = ("full", "title")
SNIPPET_LENGTH = 160
# How much of the text before the first word found the snippet shows.
SNIPPET_LEAD = 40


# Relevance ordering ranks at most this many matches, the newest (PostgresBackend).
RANK_WINDOW = 200


def _related(queryset) -> list[str]:
    """The select_related of ``queryset`` (a dict of names, or True for all), kept when
    the rows are read again by primary key."""
    related = queryset.query.select_related
    return list(related) if isinstance(related, dict) else []


class SearchBackend:
    """The interface (and the highlighting, which is the same for every engine)."""

    def search(self, queryset: QuerySet, query: str, *, mode: str = "full") -> QuerySet:
        raise NotImplementedError

    def order_by_relevance(self, queryset: QuerySet, query: str, *,
                           mode: str = "full") -> QuerySet:
        raise NotImplementedError

    def highlight(self, text: str, query: str, *,
                  length: int | None = SNIPPET_LENGTH) -> SafeString:
        return highlight(text, query, length=length)


class PostgresBackend(SearchBackend):
    """``search_vector @@ to_tsquery('simple', …)`` under the GIN index
    ``disclosure_pub_search_idx``, ranked by ``ts_rank_cd`` (cover density: the words
    close together rank higher), where the title's words weigh A and the text's D."""

    def tsquery(self, query: str, *, mode: str = "full") -> str:
        return tsquery(query_words(query), mode=mode)

    def _query(self, query, mode):
        text = self.tsquery(query, mode=mode)
        return SearchQuery(text, search_type="raw", config="simple") if text else None

    def search(self, queryset, query, *, mode="full"):
        found = self._query(query, mode)
        return queryset if found is None else queryset.filter(search_vector=found)

    def order_by_relevance(self, queryset, query, *, mode="full"):
        """Ranked among the ``RANK_WINDOW`` newest matches: ranking reads every row it
        ranks, and a word in half of a million notices (采购, 公告) would be ranked for
        seconds. The newest matches are taken through the date index and ranked in the
        same statement, as the scan reads them (their ids, ranks and dates: a few
        kilobytes); a person who wants older ones orders by date (the page says so).
        The rows of a page are then read by primary key (``RankedWindow``)."""
        window = self.window(queryset, query, mode=mode)
        if window is None:
            return queryset
        ranked = sorted(window, reverse=True)  # the best first, then the newest
        return RankedWindow(queryset.model._default_manager.select_related(
            *_related(queryset)), [pk for _rank, _at, pk in ranked])

    def window(self, queryset, query, *, mode="full"):
        """The statement of ``order_by_relevance``: the ``RANK_WINDOW`` newest matches,
        each ``(rank, published_at, pk)``; ``None`` for a query without a word."""
        found = self._query(query, mode)
        if found is None:
            return None
        rank = SearchRank(F("search_vector"), found, cover_density=True)
        return (queryset.order_by("-published_at", "-id").annotate(_rank=rank)
                .values_list("_rank", "published_at", "pk")[:RANK_WINDOW])


class RankedWindow(Sequence):
    """Rows in an order decided before they are read (``PostgresBackend``'s relevance):
    what a paginator, the API's pagination and a template's loop need of a queryset —
    its length, a slice, iteration — each slice one read of its rows by primary key, in
    the window's order. ``count()`` is the length, as a paginator asks a queryset."""

    def __init__(self, rows: QuerySet, ids: list[int]):
        self.rows, self.ids = rows, ids

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            found = {row.pk: row for row in self.rows.filter(pk__in=ids)} if ids else {}
            return [found[pk] for pk in ids if pk in found]  # a row gone since: skipped
        return self.rows.get(pk=self.ids[index])

    def __iter__(self):
        for start in range(0, len(self.ids), 100):
            yield from self[start:start + 100]


class LikeBackend(SearchBackend):
    """Without PostgreSQL (SQLite): every word of the query must be one of the row's
    words, found with LIKE on the space-separated words with a space either side (so
    that 设备 does not find 设备费, which jieba kept as one word). Slow on a large table,
    and meant for development, the demo and a small county's installation."""

    def search(self, queryset, query, *, mode="full"):
        words = query_words(query)
        if not words:
            return queryset
        return queryset.annotate(_words=words_expression(mode)).filter(
            like_condition(words))

    def order_by_relevance(self, queryset, query, *, mode="full"):
        words = query_words(query)
        if not words:
            return queryset
        # The words found in the title first, as the A weight does on PostgreSQL.
        title = Concat(Value(" "), F("search_title"), Value(" "), output_field=TextField())
        return queryset.annotate(_title=title, rank=sum(
            (Case(When(**{"_title__contains": f" {word} "}, then=Value(1)), default=Value(0),
                  output_field=IntegerField()) for word in words), Value(0))
        ).order_by("-rank", "-published_at", "-id")


def tsquery(words: list[str], *, mode: str = "full") -> str:
    """The words as ``to_tsquery`` text: each quoted (segment has stripped the quotes and
    operators they could carry), all required (``&``), in title mode each restricted to
    the title's weight A."""
    weight = ":A" if mode == "title" else ""
    return " & ".join(f"'{word}'{weight}" for word in words)


def words_expression(mode: str):
    """The row's words with a space at either end: the title's, and in full mode the
    text's too (``search_text`` holds the body and the parties, not the title)."""
    parts = [Value(" "), F("search_title"), Value(" ")]
    if mode != "title":
        parts += [F("search_text"), Value(" ")]
    return Concat(*parts, output_field=TextField())


def like_condition(words: list[str]) -> Q:
    """The LIKE conditions on ``words_expression`` (annotated as ``_words``): one
    ``contains`` per word, bounded by spaces (Django escapes ``%`` and ``_`` in it)."""
    condition = Q()
    for word in words:
        condition &= Q(_words__contains=f" {word} ")
    return condition


def highlight(text: str, query: str, *, length: int | None = SNIPPET_LENGTH) -> SafeString:
    """The query's words marked in the text, the rest escaped. With ``length``, a snippet
    of about that many characters around the first word found (the text's beginning
    when none is)."""
    text = text or ""
    pattern = _pattern(query)
    start, end = 0, len(text)
    if length is not None:
        first = pattern.search(text) if pattern else None
        start = max(0, first.start() - SNIPPET_LEAD) if first else 0
        end = min(len(text), start + length)
    snippet = " ".join(text[start:end].split())  # line breaks and runs of spaces
    out, at = [], 0
    for match in pattern.finditer(snippet) if pattern else ():
        out.append(escape(snippet[at:match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        at = match.end()
    out.append(escape(snippet[at:]))
    html = "".join(out)
    if start > 0:
        html = "…" + html
    if end < len(text):
        html += "…"
    return mark_safe(html)  # noqa: S308 - every piece of the text is escaped above


@lru_cache(maxsize=256)
def _pattern(query: str) -> re.Pattern | None:
    """The query's words as one pattern, the longest first; compiled once per query."""
    words = sorted(query_words(query), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) \
        if words else None


@lru_cache(maxsize=4)
def _backend(path: str | None, vendor: str) -> SearchBackend:
    if path:
        return import_string(path)()
    return PostgresBackend() if vendor == "postgresql" else LikeBackend()


def get_backend() -> SearchBackend:
    return _backend(getattr(settings, "PORTAL_SEARCH_BACKEND", None) or None,
                    connection.vendor)
