"""Whether a supplier may take part in procurement at all: checks registered from above.

Procurement refuses a supplier barred from government procurement (法 第22、77条) — a
debarment or a listing as seriously dishonest — but that is known to the complaints app,
which sits above procurement. So procurement asks this registry (``check_supplier``) and
the app that knows registers its check from ``AppConfig.ready()``
(``register_supplier_check``): the lower app never imports the higher one.

A check is ``fn(*, supplier, now) -> None`` and refuses by raising
``core.exceptions.RuleViolation``. Checks run on every document download and every bid:
each must be one indexed query at most.
"""

from collections.abc import Callable

_CHECKS: list[Callable] = []


def register_supplier_check(fn: Callable) -> Callable:
    """Add a check (once, however often ``ready()`` runs); returns it, to be a decorator."""
    if fn not in _CHECKS:
        _CHECKS.append(fn)
    return fn


def check_supplier(*, supplier, now) -> None:
    """Run every registered check; the first to refuse raises."""
    for check in _CHECKS:
        check(supplier=supplier, now=now)
