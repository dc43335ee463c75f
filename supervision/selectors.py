"""What the finance bureau supervises, read from the other apps' tables (read side)."""

from dataclasses import dataclass

from audit.actions import action_label, override_actions
from audit.models import AuditEvent
from audit.selectors import audit_events_unsealed

from .filters import InterceptionFilterSet


def interceptions(*, filters=None) -> InterceptionFilterSet:
    """Every refusal the platform made (``core.refusals``: any caller — page, API, task,
    command — and the administration) and every warning a person overrode
    (``audit.actions.register_overrides``), newest first: the compliance interceptions
    (系统自动预警和拦截). Bidding events of a lot not yet opened stay hidden
    (``audit_events_unsealed``). The page, its exports and the API read ``.qs``."""
    events = AuditEvent.objects.filter(
        action__endswith="refused") | AuditEvent.objects.filter(action__in=override_actions())
    events = audit_events_unsealed(events).select_related(
        "actor", "organization", "object_type").order_by("-at", "-id")
    return InterceptionFilterSet(filters if filters is not None else {}, events)


@dataclass(frozen=True)
class Interception:
    """One row as the page, the exports and the API show it."""

    event: AuditEvent

    @property
    def kind(self) -> str:
        return "refusal" if self.event.action.endswith("refused") else "override"

    @property
    def what(self) -> str:
        return str(action_label(self.event.action))

    @property
    def code(self) -> str:
        return (self.event.detail or {}).get("code", "")

    @property
    def basis(self) -> str:
        return (self.event.detail or {}).get("basis", "")

    @property
    def message(self) -> str:
        """A refusal as the person read it; an override's justification, in its words."""
        detail = self.event.detail or {}
        if self.kind == "override":
            return detail.get("justification", "")
        return detail.get("message", "")


def interception_rows(events) -> list[Interception]:
    return [Interception(event) for event in events]
