"""The public reference numbers of the app's filings: ZY- (质疑), TS- (投诉), TJ- (调解),
then the year and a four-digit sequence that restarts each year."""

import zlib

from django.db import connection
from django.utils import timezone


def advisory_lock(*parts) -> None:
    """A transaction-scoped PostgreSQL advisory lock named by ``parts`` (SQLite
    serialises writers already)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(":".join(str(p) for p in ("complaints", *parts)).encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def next_number(model, code: str, now) -> str:
    """``<code>-<year>-<nnnn>``, the year's next for ``model``: numbered under a lock per
    code and year held to the end of the transaction, so two filings at once never draw
    the same number (the number column is unique besides)."""
    year = timezone.localtime(now).year
    advisory_lock("number", code, year)
    prefix = f"{code}-{year}-"
    numbers = model.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)
    return f"{prefix}{last + 1:04d}"
