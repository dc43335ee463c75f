"""The portal's reads: the one path to the published notices (``Publication``)."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .filters import PublicationFilterSet
from .models import Publication


def publication_search(*, filters=None, now=None) -> PublicationFilterSet:
    """The publications that ``filters`` (a QueryDict or dict: ``PublicationFilterSet``'s
    parameters) find, in the order asked for: the page renders its form, the API checks
    it (``core.filters.check_filters``), both read ``.qs``."""
    return PublicationFilterSet(filters if filters is not None else {},
                                Publication.objects.select_related("purchaser", "agency"),
                                now=now)


# The most notices a search counts. Counting every match of a common word among a million
# notices reads them all (hundreds of milliseconds); past ten thousand the number is no use
# to a reader, who narrows the search instead — the page says "more than 10,000".
COUNT_CAP = 10_000


def capped_count(queryset, cap: int | None = None) -> int:
    """How many rows ``queryset`` has, counted up to ``cap + 1`` (which means "more");
    ``cap`` is ``COUNT_CAP`` unless given."""
    cap = COUNT_CAP if cap is None else cap
    if not isinstance(queryset, QuerySet):  # search.backends.RankedWindow: ids at hand
        return min(len(queryset), cap + 1)
    # values("pk"): the count selects no annotation (a relevance rank is not computed).
    return queryset.order_by().values("pk")[:cap + 1].count()


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` rows: its pages stop there, and
    ``capped`` says there were more."""

    @cached_property
    def _counted(self) -> int:
        return capped_count(self.object_list)

    @cached_property
    def count(self):
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP
