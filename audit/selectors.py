from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from .anchor import checkpoints_all
from .models import AuditEvent
from .services import GENESIS_HASH, compute_hash


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    # Checkpoints (audit.anchor) the chain was compared with, and what did not
    # match: a checkpoint the chain no longer holds, or one that cannot be trusted.
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problems


def audit_chain_verify(*, batch_size: int = 5000, checkpoints=None) -> ChainReport:
    """Walk the chain in id order; report the first event whose link is broken,
    and every checkpoint the chain does not hold.

    ``checkpoints`` (``audit.anchor.Checkpoint``) default to every file in
    ``AUDIT_ANCHOR_DIR``. A checkpoint of ``count`` events holds when the
    chain has at least that many and the ``count``-th has the recorded id and
    hash; as each hash covers the previous one, that fixes every event up to
    it, so a shortened or rewritten tail fails here even though it still links.
    """
    if checkpoints is None:
        checkpoints = checkpoints_all()
    problems = [f"checkpoint {c.name}: {c.problem}" for c in checkpoints if not c.valid]
    due = defaultdict(list)  # position in the chain (1-based) → checkpoints ending there
    for c in checkpoints:
        if c.valid:
            due[c.count].append(c)

    def report(**kw):
        return ChainReport(checked=checked, checkpoints=len(checkpoints),
                           problems=problems, **kw)

    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size]
        )
        if not batch:
            problems.extend(
                f"the chain is shorter than checkpoint {c.describe()}: it has {checked} events"
                for position in sorted(due) if position > checked for c in due[position])
            return report()
        for event in batch:
            if event.prev_hash != expected_prev:
                return report(
                    broken_at=event.pk,
                    reason="previous-hash link does not match (an event before it was "
                           "removed or altered)",
                )
            if compute_hash(event) != event.hash:
                return report(
                    broken_at=event.pk,
                    reason="content does not match its hash (the event was altered)",
                )
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
            for c in due.get(checked, ()):
                if (event.pk, event.hash) != (c.last_id, c.head_hash):
                    problems.append(
                        f"event #{event.pk} differs from checkpoint {c.describe()}: it is "
                        f"event number {checked} with hash {event.hash[:16]}…")


# Who obtained the documents and who bid is secret until the bids are opened, from
# everyone but the supplier itself — the purchaser, its agency, the finance bureau and
# the platform's administrators alike (87号令 第33条: no bid is opened before the
# opening; the names and number of those who obtained the documents are not to be
# disclosed — article to verify). The events are recorded all the same: the trail
# stays complete and its hash chain unbroken. Only the app that knows what "opened"
# means can say which events are still sealed, and it sits above this one, so it
# registers a filter from its AppConfig.ready() (as it registers its action labels).
_SEALED_FILTERS: list[Callable[[], Q]] = []


def register_sealed_filter(sealed: Callable[[], Q]) -> None:
    """``sealed()`` returns a Q matching the AuditEvents nobody may see yet; it is called
    at each read, so an event shows as soon as its lot is opened."""
    _SEALED_FILTERS.append(sealed)


def audit_events_unsealed(queryset, *, organization=None):
    """``queryset`` without the events still sealed, except those recorded for
    ``organization`` itself (a supplier sees its own bidding). Every read of the trail
    goes through here: the pages, the API, the workspaces and the admin."""
    sealed = None
    for make in _SEALED_FILTERS:
        sealed = make() if sealed is None else sealed | make()
    if sealed is None:
        return queryset
    if organization is not None:
        sealed &= ~Q(organization=organization)
    return queryset.exclude(sealed)


def audit_events_for(*, user, organization):
    """Events a person may read: finance-bureau staff see all, others their organisation's;
    none of them sees another's sealed events."""
    qs = AuditEvent.objects.select_related("actor", "organization", "object_type")
    if organization is None:
        return qs.none()
    if organization.kind != "finance":
        qs = qs.filter(organization=organization)
    return audit_events_unsealed(qs, organization=organization)


def refusals(*, since=None):
    """Every refusal recorded by ``core.refusals`` from any caller — page, API, task,
    command — and by the admin; sealed bidding events stay hidden until opening."""
    qs = audit_events_unsealed(AuditEvent.objects.filter(action__endswith="refused"))
    return qs.filter(at__gte=since) if since is not None else qs
