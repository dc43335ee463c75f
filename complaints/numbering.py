"""The public reference numbers of the app's filings: ZY- (质疑), TS- (投诉), TJ- (调解),
then the year and a four-digit sequence that restarts each year."""

from django.utils import timezone

from core.locks import advisory_lock


def next_number(model, code: str, now) -> str:
    """``<code>-<year>-<nnnn>``, the year's next for ``model``: numbered under a lock per
    code and year held to the end of the transaction, so two filings at once never draw
    the same number (the number column is unique besides)."""
    year = timezone.localtime(now).year
    advisory_lock("complaints", "number", code, year)
    prefix = f"{code}-{year}-"
    numbers = model.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)
    return f"{prefix}{last + 1:04d}"
