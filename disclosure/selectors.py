"""The portal's reads: the one path to the published notices (``Publication``)."""

from .filters import PublicationFilterSet
from .models import Publication


def publication_search(*, filters=None, now=None) -> PublicationFilterSet:
    """The publications that ``filters`` (a QueryDict or dict: ``PublicationFilterSet``'s
    parameters) find, in the order asked for: the page renders its form, the API checks
    it (``core.filters.check_filters``), both read ``.qs``."""
    return PublicationFilterSet(filters if filters is not None else {},
                                Publication.objects.select_related("purchaser", "agency"),
                                now=now)
