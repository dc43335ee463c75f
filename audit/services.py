"""The one write path of the audit trail."""

import datetime
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core.http import normalize_ip

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the PostgreSQL advisory lock that serialises
# appends: two transactions must never chain to the same previous event.
_CHAIN_LOCK_KEY = 0x43_46_41_55  # "CFAU"


def canonical_payload(event: AuditEvent) -> str:
    """The exact text that is hashed: stable across databases and restarts."""
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
            "prev": event.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_payload(event).encode()).hexdigest()


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: settings open every transaction IMMEDIATE, which already
    # serialises writers.


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
    """Append one event to the chain.

    Call it inside the service's own transaction, as its last step: the
    chain lock is held from here until that transaction commits.
    """
    # Round-trip the detail through JSON now so the stored value and the
    # hashed value are the same (Decimal and datetime become strings).
    detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
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
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event


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
