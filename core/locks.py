"""Transaction-scoped named locks, for writes that must not run twice at once."""

import zlib

from django.db import connection


def advisory_lock(*parts) -> None:
    """A PostgreSQL advisory lock named by ``parts`` (the first is the app's name), held
    to the end of the transaction. SQLite serialises writers already."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(":".join(str(p) for p in parts).encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
