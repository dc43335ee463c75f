"""Copy the existing chain into ``AuditSeal``: every event keeps its exact hash.

Before 0004 the chain was in id order (appends were serialised by the lock, so
id order was commit order), each event holding its ``prev_hash`` and ``hash``.
The seals take them as they are, ``seq`` 1, 2, … in id order; nothing is
recomputed, so a chain that was already broken stays visibly broken for
``verify_audit``, and the published checkpoints (count, last id, head hash) still
match. Irreversible: a chain sealed out of id order after this cannot be put
back in the old columns.
"""

from django.db import migrations
from django.utils import timezone

BATCH = 2000


def copy_chain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    db = schema_editor.connection.alias
    now = timezone.now()
    seq = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.using(db).filter(id__gt=last_id).order_by("id")
                    .values_list("id", "prev_hash", "hash")[:BATCH])
        if not rows:
            return
        seals = []
        for event_id, prev_hash, hash_ in rows:
            seq += 1
            seals.append(AuditSeal(seq=seq, event_id=event_id, prev_hash=prev_hash,
                                   hash=hash_, sealed_at=now))
        AuditSeal.objects.using(db).bulk_create(seals)
        last_id = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditseal")]
    operations = [migrations.RunPython(copy_chain, elidable=False)]
