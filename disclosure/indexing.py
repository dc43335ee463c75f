"""Writing the portal's index: one ``Publication`` per published record.

``connect()`` listens to ``post_save`` and ``post_delete`` of every model registered in
``disclosure.sources``; the row is written when the record's transaction commits, so a
step that rolls back publishes nothing and a lifecycle step never waits on the portal
(``transaction.on_commit``). ``index(record)`` writes (or removes) the row at once: the
rebuild (``reindex``) and the tests call it.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import caching
from .models import Publication
from .search.segment import segmented
from .sources import source_of, sources

logger = logging.getLogger(__name__)

FIELDS = ("kind", "title", "body", "url", "project", "project_code", "purchaser", "agency",
          "parties", "region_code", "category", "catalogue_codes", "method", "amount",
          "published_at")

# PostgreSQL: the title's words weighted A, the text's (with the parties') D.
VECTOR_SQL = ("setweight(to_tsvector('simple', search_title), 'A') || "
              "setweight(to_tsvector('simple', search_text), 'D')")


def index(record) -> Publication | None:
    """Write the record's publication as its source makes it now; remove it when the
    source says the record is not public. Returns the row, or None."""
    source = source_of(type(record))
    if source is None:
        return None
    content_type = ContentType.objects.get_for_model(type(record))
    fields = source.fn(record)
    if fields is None:
        Publication.objects.filter(source_type=content_type, source_id=record.pk).delete()
        return None
    values = {name: fields.get(name) for name in FIELDS if name in fields}
    values.setdefault("body", "")
    for name in ("project_code", "parties", "region_code", "category", "catalogue_codes",
                 "method"):
        values[name] = values.get(name) or ""
    values["title"] = values["title"][:300]
    values["parties"] = values["parties"][:500]
    values["search_title"] = segmented(values["title"])
    values["search_text"] = segmented(f"{values['body']}\n{values['parties']}")
    values["updated_at"] = timezone.now()
    publication, _created = Publication.objects.update_or_create(
        source_type=content_type, source_id=record.pk, defaults=values)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE disclosure_publication SET search_vector = {VECTOR_SQL} "  # noqa: S608
                           "WHERE id = %s", [publication.pk])
    return publication


def unindex(record) -> None:
    content_type = ContentType.objects.get_for_model(type(record))
    Publication.objects.filter(source_type=content_type, source_id=record.pk).delete()


def _index_later(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures load the record alone; reindex builds its row

    def run():
        try:
            index(type(instance)._default_manager.get(pk=instance.pk))
        except type(instance).DoesNotExist:
            unindex(instance)
        except Exception:  # the portal must never break the step that published
            logger.exception("disclosure: indexing %r failed", instance)

    transaction.on_commit(run)


def _unindex_later(sender, instance, **kwargs):
    pk = instance.pk
    content_type = ContentType.objects.get_for_model(type(instance))
    transaction.on_commit(lambda: Publication.objects.filter(
        source_type=content_type, source_id=pk).delete())


def connect() -> None:
    caching.connect()  # a written or removed Publication changes the pages' validators
    for source in sources():
        uid = f"disclosure-{source.model._meta.label_lower}"
        post_save.connect(_index_later, sender=source.model, dispatch_uid=uid)
        post_delete.connect(_unindex_later, sender=source.model, dispatch_uid=uid)


def reindex(*, kinds=None) -> int:
    """Rebuild every publication from its source; how many are published."""
    count = 0
    for source in sources():
        for record in source.queryset().iterator(chunk_size=500):
            if index(record) is not None:
                count += 1
    return count
