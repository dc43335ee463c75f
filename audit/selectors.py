from dataclasses import dataclass

from .models import AuditEvent
from .services import GENESIS_HASH, compute_hash


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first event whose link is broken."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size]
        )
        if not batch:
            return ChainReport(checked=checked)
        for event in batch:
            if event.prev_hash != expected_prev:
                return ChainReport(
                    checked=checked, broken_at=event.pk,
                    reason="previous-hash link does not match (an event before it was "
                           "removed or altered)",
                )
            if compute_hash(event) != event.hash:
                return ChainReport(
                    checked=checked, broken_at=event.pk,
                    reason="content does not match its hash (the event was altered)",
                )
            expected_prev = event.hash
            checked += 1
            last_id = event.pk


def audit_events_for(*, user, organization):
    """Events a person may read: finance-bureau staff see all, others their organisation's."""
    qs = AuditEvent.objects.select_related("actor", "organization", "object_type")
    if organization is not None and organization.kind == "finance":
        return qs
    if organization is None:
        return qs.none()
    return qs.filter(organization=organization)
