"""Publications written straight into the index, for the read side's tests: the feeds
and the caching read the rows, whatever record they were made from."""

import datetime as dt
from itertools import count

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Organization
from disclosure.models import Publication
from disclosure.search.segment import segmented

_ids = count(1_000_000)


def publication(**fields) -> Publication:
    """A Publication as indexing writes it (segmented words, a search vector on
    PostgreSQL), pointing at a made-up record."""
    from django.db import connection

    from disclosure.indexing import VECTOR_SQL

    source_id = next(_ids)
    values = {"kind": "tender", "title": f"办公设备采购项目{source_id}",
              "body": "采购一批办公设备，包括计算机和打印机。", "url": f"/notices/{source_id}/",
              "published_at": timezone.now() - dt.timedelta(minutes=source_id % 1000),
              "updated_at": timezone.now(), **fields}
    values["search_title"] = segmented(values["title"])
    values["search_text"] = segmented(values["body"])
    row = Publication.objects.create(
        source_type=ContentType.objects.get_for_model(Organization), source_id=source_id,
        **values)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE disclosure_publication SET search_vector = {VECTOR_SQL} "
                           "WHERE id = %s", [row.pk])
    return row
