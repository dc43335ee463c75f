import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .anchor import checkpoints_all
from .models import AuditEvent, AuditSeal
from .services import GENESIS_HASH, compute_hash


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None  # the id of the event whose seal does not verify
    reason: str = ""
    # Checkpoints (audit.anchor) the chain was compared with, and what did not
    # match: a checkpoint the chain no longer holds, or one that cannot be trusted.
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    # Events recorded but not yet in the chain (audit.services.audit_seal), and the
    # oldest of them; one pending longer than AUDIT_SEAL_GRACE_SECONDS is a problem.
    pending: int = 0
    oldest_pending: AuditEvent | None = None
    # Of those, the ones missing from the sealer's queue (AuditPending): the sealer
    # will never seal them (audit.services.audit_pending_restore queues them again).
    unqueued: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problems


def _pending_report(*, now) -> tuple[int, int, AuditEvent | None, str]:
    """How many events await sealing, how many of them are missing from the queue,
    the oldest, and the problem if it waited too long.

    Looks in the trail itself (an anti-join of every event against the seals), not
    in the sealer's queue: a queue row deleted by hand must not hide its event. The
    verifier reads the whole trail anyway. An event counts whether or not it is
    queued; the grace is the same for both.
    """
    pending = AuditEvent.objects.filter(seal__isnull=True)
    counts = pending.aggregate(total=Count("id"),
                               unqueued=Count("id", filter=Q(pending__isnull=True)))
    count, unqueued = counts["total"], counts["unqueued"]
    oldest = pending.order_by("at", "id").first() if count else None
    grace = datetime.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS)
    if oldest is None or now - oldest.at <= grace:
        return count, unqueued, oldest, ""
    problem = (
        f"{count} events are not sealed into the chain, the oldest #{oldest.pk} recorded "
        f"at {oldest.at.isoformat(timespec='seconds')}, longer ago than "
        f"AUDIT_SEAL_GRACE_SECONDS ({settings.AUDIT_SEAL_GRACE_SECONDS} s): ")
    if unqueued:
        problem += (
            f"{unqueued} of them are missing from the sealing queue (audit_auditpending), "
            "so the sealer will never seal them: a queue row or a seal was removed, or "
            "events were inserted with triggers disabled; verify_audit --seal queues "
            "them again.")
    else:
        problem += "is the sealer (audit.tasks.seal on the beat) running?"
    return count, unqueued, oldest, problem


def audit_chain_verify(*, batch_size: int = 5000, checkpoints=None, now=None) -> ChainReport:
    """Walk the chain's seals in ``seq`` order; report the first whose link is broken,
    every checkpoint the chain does not hold, and the events still awaiting a seal.

    Each seal must name an existing event, carry the previous seal's hash as
    ``prev_hash``, and its ``hash`` must be SHA-256 over the event's content and
    that ``prev_hash``: so an altered event, an altered or removed seal and a
    removed event all break a link. ``checkpoints`` (``audit.anchor.Checkpoint``)
    default to every file in ``AUDIT_ANCHOR_DIR``. A checkpoint of ``count``
    events holds when the chain has at least that many seals and the
    ``count``-th names the recorded event id and hash; as each hash covers the
    previous one, that fixes every seal up to it, so a shortened or rewritten
    tail fails here even though it still links. Events not sealed yet are
    counted, not judged: only one older than ``AUDIT_SEAL_GRACE_SECONDS`` is a
    problem (the sealer is not running, or the event is missing from its queue;
    it is found in the trail, queued or not). Reads only: ``verify_audit --seal``
    seals first.
    """
    now = now or timezone.now()
    if checkpoints is None:
        checkpoints = checkpoints_all()
    problems = [f"checkpoint {c.name}: {c.problem}" for c in checkpoints if not c.valid]
    due = defaultdict(list)  # position in the chain (1-based) → checkpoints ending there
    for c in checkpoints:
        if c.valid:
            due[c.count].append(c)

    def report(**kw):
        pending, unqueued, oldest, problem = _pending_report(now=now)
        return ChainReport(checked=checked, checkpoints=len(checkpoints),
                           problems=problems + ([problem] if problem else []),
                           pending=pending, oldest_pending=oldest, unqueued=unqueued, **kw)

    expected_prev = GENESIS_HASH
    checked = 0
    last_seq = 0
    while True:
        # Two statements a batch: the seals, then their events (a join would hide a
        # seal whose event was removed).
        seals = list(AuditSeal.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not seals:
            problems.extend(
                f"the chain is shorter than checkpoint {c.describe()}: it has {checked} events"
                for position in sorted(due) if position > checked for c in due[position])
            return report()
        events = AuditEvent.objects.in_bulk([s.event_id for s in seals])
        for seal in seals:
            event = events.get(seal.event_id)
            if event is None:
                return report(
                    broken_at=seal.event_id,
                    reason=f"seal {seal.seq} names an event that is missing (it was removed)",
                )
            if seal.prev_hash != expected_prev:
                return report(
                    broken_at=event.pk,
                    reason=f"previous-hash link of seal {seal.seq} does not match (an event "
                           "or seal before it was removed or altered)",
                )
            if compute_hash(event, prev=seal.prev_hash) != seal.hash:
                return report(
                    broken_at=event.pk,
                    reason=f"content does not match its hash in seal {seal.seq} (the event "
                           "or its seal was altered)",
                )
            expected_prev = seal.hash
            checked += 1
            last_seq = seal.seq
            for c in due.get(checked, ()):
                if (event.pk, seal.hash) != (c.last_id, c.head_hash):
                    problems.append(
                        f"event #{event.pk} differs from checkpoint {c.describe()}: it is "
                        f"event number {checked} with hash {seal.hash[:16]}…")


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
    qs = AuditEvent.objects.select_related("actor", "organization", "object_type", "seal")
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
