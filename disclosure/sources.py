"""Where each kind of notice comes from: the registry of *sources*.

A source turns one record of a lifecycle app into the fields of its ``Publication``
(``disclosure.models``). ``register(model, fn)`` names the model and a function
``fn(record) -> dict | None`` returning the publication's fields (``kind``, ``title``,
``body``, ``url``, ``published_at`` and what it is about: ``project``, ``purchaser``,
``agency``, ``parties``, ``amount`` …), or ``None`` when the record is not public (yet, or
any more: a draft, a contract not published, a penalty lifted from the list). Each source
module under ``disclosure/source_*.py`` registers its models in ``register()``;
``register_all`` runs them from ``DisclosureConfig.ready``.

``disclosure.indexing`` connects ``post_save`` of every registered model and writes the
row after the transaction commits; ``disclosure_reindex`` runs every source over every
record.
"""

from collections.abc import Callable
from importlib import import_module

from django.db import models

SOURCE_MODULES: tuple[str, ...] = ("source_procurement", "source_opening", "source_complaints",
                                    "source_contracts", "source_docs")

_SOURCES: dict[type[models.Model], "Source"] = {}


class Source:
    """A model whose records are published, with the function that publishes one, and
    the queryset the rebuild walks (``select_related`` what ``fn`` reads)."""

    def __init__(self, model, fn: Callable, queryset: Callable | None = None, *,
                 timeless: bool = True):
        self.model = model
        self.fn = fn
        self._queryset = queryset
        # False for a record public only for a period (a bad-behaviour listing): what
        # ``fn`` says changes with the clock, so nothing of it is kept in a cache.
        self.timeless = timeless

    def queryset(self):
        return self._queryset() if self._queryset else self.model._default_manager.all()


def register(model, fn: Callable, *, queryset: Callable | None = None,
             timeless: bool = True) -> None:
    _SOURCES[model] = Source(model, fn, queryset, timeless=timeless)


def source_of(model) -> Source | None:
    return _SOURCES.get(model)


def sources() -> list[Source]:
    return list(_SOURCES.values())


def register_all() -> None:
    for name in SOURCE_MODULES:
        import_module(f"disclosure.{name}").register()
    from . import indexing

    indexing.connect()
