"""Whether a supplier may take part in procurement at all: checks registered from above.

Procurement refuses a supplier barred from government procurement (法 第22、77条) — a
debarment or a listing as seriously dishonest — but that is known to the complaints app,
which sits above procurement. So procurement asks this registry (``check_supplier``) and
the app that knows registers its check from ``AppConfig.ready()``
(``register_supplier_check``): the lower app never imports the higher one.

A check is ``fn(*, supplier, now) -> None`` and refuses by raising
``core.exceptions.RuleViolation``. Checks run on every document download and every bid:
each must be one indexed query at most.

A check may also give its condition in SQL (``condition``: ``fn(*, supplier, now)``
returning ``(sql, params)``, true when the check would refuse). A caller that reads a row
anyway — the bid's read of its lot under lock — puts ``barred_condition()`` in its own
statement and runs ``check_supplier`` only when it is true, for the refusal and its
reason: on the hot path the eligibility costs no statement of its own, and no queryset
to compile (make bench). The app that registers both proves they agree in its tests.
"""

from collections.abc import Callable

_CHECKS: list[Callable] = []
_CONDITIONS: dict[Callable, Callable] = {}


def register_supplier_check(fn: Callable, *, condition: Callable | None = None) -> Callable:
    """Add a check (once, however often ``ready()`` runs), with its condition in SQL when
    it has one; returns the check, to be a decorator."""
    if fn not in _CHECKS:
        _CHECKS.append(fn)
    if condition is not None:
        _CONDITIONS[fn] = condition
    return fn


def check_supplier(*, supplier, now) -> None:
    """Run every registered check; the first to refuse raises."""
    for check in _CHECKS:
        check(supplier=supplier, now=now)


def barred_condition(*, supplier, now) -> tuple[str, list] | None:
    """An SQL condition and its parameters, true when some registered check would refuse
    ``supplier`` (the checks' conditions, or'ed), false when none is registered. ``None``
    when a check gave no condition: the caller runs ``check_supplier`` itself."""
    if any(check not in _CONDITIONS for check in _CHECKS):
        return None
    parts, params = [], []
    for check in _CHECKS:
        sql, check_params = _CONDITIONS[check](supplier=supplier, now=now)
        parts.append(f"({sql})")
        params.extend(check_params)
    return (" OR ".join(parts) or "1 = 0"), params
