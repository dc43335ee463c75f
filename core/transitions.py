"""Status changes: one table of allowed steps per model, one way to take a step.

Each model with a status field declares its steps once, as a ``StateTable``
(in its app's ``models`` or ``transitions`` module). The service guards the
step with ``transition()``, which refuses a step the table does not allow,
sets the field, saves it and leaves a ``StatusChange`` row (old, new, who,
when, why). The pages draw their buttons and the API fills its ``actions``
field from the same table (``table.actions(obj)``), so the allowed steps are
written once.

A row is the history of the *status*; the audit trail still records the act
(who did what, from where) through the service's own ``audit_record``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidTransition


@dataclass(frozen=True)
class Step:
    """One allowed step: its name (the action), where it may start, where it ends."""

    name: str
    source: frozenset
    target: str
    label: str = ""

    def __init__(self, name: str, source, target: str, label: str = ""):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(
            (source,) if isinstance(source, str) else source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label or name)


@dataclass(frozen=True)
class StateTable:
    """The allowed steps of one status field of one model."""

    model_label: str              # "procurement.Project", for messages and docs
    steps: tuple = field(default_factory=tuple)
    field: str = "status"

    def __init__(self, model_label: str, steps, field: str = "status"):
        object.__setattr__(self, "model_label", model_label)
        object.__setattr__(self, "steps", tuple(steps))
        object.__setattr__(self, "field", field)
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"{model_label}: step names must be unique")

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def step_to(self, current: str, to: str) -> Step | None:
        """The step from ``current`` to ``to``, or None when the table has none."""
        for step in self.steps:
            if step.target == to and current in step.source:
                return step
        return None

    def allows(self, obj, to: str) -> bool:
        return self.step_to(getattr(obj, self.field), to) is not None

    def can(self, obj, name: str) -> bool:
        """May the step called ``name`` be taken from the object's status now?"""
        return getattr(obj, self.field) in self.step(name).source

    def actions(self, obj) -> list[str]:
        """The names of the steps allowed from the object's status now."""
        current = getattr(obj, self.field)
        return [s.name for s in self.steps if current in s.source]

    def targets(self, current: str) -> set[str]:
        return {s.target for s in self.steps if current in s.source}

    def statuses(self) -> set[str]:
        found = set()
        for s in self.steps:
            found |= s.source
            found.add(s.target)
        return found


def _label(obj, field_name: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))


def _allowed_step(obj, to: str, table: StateTable) -> Step:
    """The step from the object's status to ``to``; ``InvalidTransition`` (409) if none."""
    current = getattr(obj, table.field)
    step = table.step_to(current, to)
    if step is None:
        raise InvalidTransition(
            _("This step is not allowed: “%(from)s” cannot become “%(to)s”."),
            params={"from": _label(obj, table.field, current),
                    "to": _label(obj, table.field, to)})
    return step


def transition(obj, to: str, *, table: StateTable, actor=None, now=None, reason: str = "",
               update_fields=(), save: bool = True) -> Step:
    """Take the step of ``table`` that leads ``obj`` to ``to``, and record it.

    Refuses (``InvalidTransition``, 409) when the table allows no such step from
    the current status; nothing is changed then. Otherwise sets the field, saves
    it together with ``update_fields`` (set by the caller before the call) and
    writes one ``StatusChange`` row. Call it inside the service's transaction.
    """
    from django.utils import timezone

    from .models import StatusChange

    current = getattr(obj, table.field)
    step = _allowed_step(obj, to, table)
    setattr(obj, table.field, to)
    if save:
        obj.save(update_fields=[table.field, *update_fields])
    StatusChange.record(obj, field=table.field, old=current, new=to, actor=actor,
                        at=now or timezone.now(), reason=reason, step=step.name)
    return step


def transition_many(objs, to: str, *, table: StateTable, actor=None, now=None,
                    reason: str = "") -> None:
    """``transition`` for many objects of one model at once, without saving them.

    Each must be allowed the step (else ``InvalidTransition`` and nothing is recorded);
    the status field is set on each, the ``StatusChange`` rows are written in one
    INSERT, and the caller saves the objects (e.g. with ``bulk_update``) in the same
    transaction. The deadline sweep marks thousands of clocks overdue this way.
    """
    from django.utils import timezone

    from .models import StatusChange

    objs = list(objs)
    steps = []
    for obj in objs:
        steps.append((obj, getattr(obj, table.field), _allowed_step(obj, to, table)))
    for obj, _current, _step in steps:
        setattr(obj, table.field, to)
    StatusChange.record_many([
        dict(obj=obj, field=table.field, old=current, new=to, actor=actor,
             at=now or timezone.now(), reason=reason, step=step.name)
        for obj, current, step in steps])
