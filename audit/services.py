"""The one write path of the audit trail."""

import datetime
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core.http import normalize_ip

from .models import AuditEvent, AuditPending, AuditSeal

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the PostgreSQL advisory lock that serialises the
# sealers (and the checkpoint's read of the head): two seals must never chain
# to the same previous one. Requests no longer take it.
_CHAIN_LOCK_KEY = 0x43_46_41_55  # "CFAU"
SEAL_BATCH_SIZE = 1000


def canonical_payload(event: AuditEvent, *, prev: str) -> str:
    """The exact text that is hashed: stable across databases and restarts.

    ``prev`` is the previous seal's hash: the event's content is fixed when it
    is recorded, its place in the chain when it is sealed.
    """
    return json.dumps(
        {
            "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "organization": event.organization_id,
            "action": event.action,
            "object_type": event.object_type_id,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "detail": event.detail,
            "ip": event.ip,
            "prev": prev,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )


def compute_hash(event: AuditEvent, *, prev: str) -> str:
    return hashlib.sha256(canonical_payload(event, prev=prev).encode()).hexdigest()


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: settings open every transaction IMMEDIATE, which already
    # serialises writers.


def _event(*, action: str, actor=None, organization=None, obj=None,
           detail: dict | None = None, ip: str | None = None, now=None) -> AuditEvent:
    # Round-trip the detail through JSON now so the stored value and the
    # hashed value are the same (Decimal and datetime become strings).
    detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent(
        at=now or timezone.now(),
        actor=actor,
        actor_name=(str(actor) if actor else "")[:150],
        organization=organization,
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail,
        ip=normalize_ip(ip),
    )


def audit_record(
    *,
    action: str,
    actor=None,
    organization=None,
    obj=None,
    detail: dict | None = None,
    ip: str | None = None,
    now=None,
) -> AuditEvent:
    """Append one event to the trail: one INSERT, no lock.

    Call it inside the service's own transaction, as its last step: the event
    commits or rolls back with the change it records. The database queues it
    for sealing (a trigger inserts its ``AuditPending`` row, migration 0007, on
    PostgreSQL and SQLite alike), and ``audit_seal`` links it into the hash chain
    after it has committed.
    """
    event = _event(action=action, actor=actor, organization=organization, obj=obj,
                   detail=detail, ip=ip, now=now)
    event.save(force_insert=True)
    return event


def audit_record_many(entries: list[dict]) -> list[AuditEvent]:
    """``audit_record`` for many events in one INSERT (e.g. a sweep's clock events).

    Each entry takes ``audit_record``'s keyword arguments. The events are
    returned with their ids, in the order given.
    """
    events = [_event(**entry) for entry in entries]
    return AuditEvent.objects.bulk_create(events) if events else []


def _seal_batch(*, batch_size: int, now) -> tuple[int, int]:
    """Seal up to ``batch_size`` queued events, oldest id first.

    Returns how many queue rows were taken and how many events were sealed. Under
    the chain lock, four statements whatever the size of the trail: read the head,
    read the queue's first rows with their events (and any seal, below), insert
    the seals, delete those queue rows. Read after the lock is taken, the queue
    holds exactly the events committed so far and not sealed by an earlier holder
    of the lock, which deleted their rows in the transaction that sealed them; so
    sealers taking turns never seal an event twice (and ``AuditSeal.event`` is
    unique should anything else try). A queue row whose event is sealed already
    (put back by hand, or left by a sealer of the previous release, which did not
    read the queue) is deleted without sealing: it cannot stop the sealer.
    """
    with transaction.atomic():
        _lock_chain()
        head = AuditSeal.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = head or (0, GENESIS_HASH)
        queued = list(AuditPending.objects.select_related("event", "event__seal")
                      .order_by("event_id")[:batch_size])
        seals = []
        for entry in queued:
            event = entry.event
            if event.chain_seal is not None:
                continue
            seq += 1
            digest = compute_hash(event, prev=prev)
            seals.append(AuditSeal(seq=seq, event=event, prev_hash=prev, hash=digest,
                                   sealed_at=now))
            prev = digest
        if queued:
            AuditSeal.objects.bulk_create(seals)
            AuditPending.objects.filter(event_id__in=[e.event_id for e in queued]).delete()
    return len(queued), len(seals)


def audit_seal(*, batch_size: int = SEAL_BATCH_SIZE, now=None) -> int:
    """Link every queued event into the hash chain; return how many were sealed.

    Run every few seconds by the beat (``audit-seal``) and before each
    checkpoint. Its work is the queue (``AuditPending``), never a scan of the
    trail. The chain's order is ``AuditSeal.seq``: the order in which the
    sealer saw the events committed, id order within a batch. Each batch is its
    own transaction, so the lock is never held for long and several sealers at
    once simply take turns (safe to run twice). An unsealed event missing from
    the queue is not sealed here: see ``audit_pending_restore``.
    """
    now = now or timezone.now()
    sealed = 0
    while True:
        taken, count = _seal_batch(batch_size=batch_size, now=now)
        sealed += count
        if taken < batch_size:
            return sealed


def audit_pending_restore() -> list[int]:
    """Queue again every unsealed event missing from the queue; return their ids.

    Nothing the application does leaves such an event (the trigger queues each
    one with its insert, the sealer unqueues it with its seal), so each is a sign
    that someone deleted queue rows or a seal, or inserted events with triggers
    disabled. ``audit_chain_verify`` reports them; ``verify_audit --seal`` calls
    this, then ``audit_seal``, and names them in a warning. Not the beat: it must
    not heal such a trail quietly. This is the one place that scans the trail
    (an anti-join of every event against the seals and the queue), so it runs
    when asked, not every few seconds. Under the chain lock, so no sealer is in
    flight and two restores cannot queue an event twice.
    """
    with transaction.atomic():
        _lock_chain()
        missing = list(AuditEvent.objects.filter(seal__isnull=True, pending__isnull=True)
                       .order_by("id").values_list("id", flat=True))
        AuditPending.objects.bulk_create([AuditPending(event_id=pk) for pk in missing],
                                         batch_size=SEAL_BATCH_SIZE)
    return missing


def audit_request(request, *, action: str, obj=None, detail=None, organization=None, now=None):
    """``audit_record`` with actor, organisation and IP taken from a request."""
    from core.http import client_ip

    user = getattr(request, "user", None)
    return audit_record(
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        organization=organization or getattr(request, "organization", None),
        obj=obj,
        detail=detail,
        ip=client_ip(request),
        now=now,
    )
