"""Bulk writes for the hot set-based paths (the deadline sweep), where Django's own
``bulk_update`` costs more in Python than the database spends on the rows; and
``known_related``, which spares the hot paths reading back rows they already hold.

``QuerySet.bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression per field and
row; for 10,000 clocks that was 11 seconds of expression resolving in the sweep, for
a statement PostgreSQL runs in a fraction of a second. ``bulk_set`` sends the same
change as one ``UPDATE … FROM (VALUES …)`` on PostgreSQL and falls back to
``bulk_update`` elsewhere (SQLite, the embedded demo).
"""

from django.db import connection, models
from django.utils import timezone


def bulk_set(objs, fields: list[str], *, batch_size: int = 1000) -> int:
    """Save ``fields`` of ``objs`` (instances of one model, already in the database)
    by primary key. Returns the number of rows updated."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Cast every value: a VALUES list takes its column types from the first row, and a
    # NULL there would leave a timestamp column untyped.
    row_sql = "(" + ", ".join(
        f"%s::{f.db_type(connection)}" for f in [pk, *columns]) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    names = ", ".join(quote(f.column) for f in [pk, *columns])
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start:start + batch_size]
            params = []
            for obj in chunk:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection)
                              for f in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                params)
            updated += cursor.rowcount
    return updated


# Fields whose database value is the Python value itself on PostgreSQL (psycopg2 adapts
# them): no per-value preparation, which is most of bulk_create's cost at 10,000s of rows.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
          models.DateTimeField, models.ForeignKey)


def _prepare(field):
    if isinstance(field, _PLAIN) and not isinstance(field, models.GenericIPAddressField):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model, rows: list[dict], *, ignore_conflicts: bool = False,
                batch_size: int = 2000) -> int:
    """INSERT ``rows`` ({field name: value}; the others take their defaults) in a few
    statements, and return how many were inserted.

    On PostgreSQL the rows go as one multi-row ``INSERT`` per ``batch_size``, rendered by
    psycopg2 (``ON CONFLICT DO NOTHING`` with ``ignore_conflicts``: the count is then of
    the rows really inserted); no model instance is built. Elsewhere it is
    ``bulk_create``, whose count with ``ignore_conflicts`` is of the rows offered.
    Model ``save`` and signals are not run, as with ``bulk_create``.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows],
                                            ignore_conflicts=ignore_conflicts,
                                            batch_size=batch_size)
        return len(created)
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        elif f.has_default() and callable(f.default):
            default = None  # called for each row below (a uuid4, a timezone.now …)
        else:
            default = f.get_default()  # "" for a string that is not null, as Django does
        getters.append((f.name, f.attname, default, _prepare(f),
                        f.get_default if default is None and f.has_default() else None))
    quote = connection.ops.quote_name
    # Identifiers from the model's own meta, quoted; every value is bound by psycopg2.
    head = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) VALUES ")
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    template = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, len(rows), batch_size):
            values = []
            for row in rows[start:start + batch_size]:
                params = []
                for name, attname, default, prepare, make in getters:
                    if name in row:
                        value = row[name]
                    elif attname in row:
                        value = row[attname]
                    else:
                        value = make() if make else default
                    if isinstance(value, models.Model):  # an instance for a foreign key
                        value = value.pk
                    params.append(value if prepare is None else prepare(value))
                values.append(raw.mogrify(template, params).decode())
            cursor.execute(head + ", ".join(values) + tail)
            inserted += cursor.rowcount
    return inserted


def known_related(instance, name: str, rows: list) -> None:
    """``instance.<name>.all()`` answers with ``rows``, as a ``prefetch_related(name)``
    would have read them: for rows the caller has just written or read another way, so
    that nothing reads them again."""
    related = getattr(instance, name).all()
    related._result_cache, related._prefetch_done = list(rows), True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        instance._prefetched_objects_cache = cache = {}
    cache[name] = related
