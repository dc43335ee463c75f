"""The event row no longer holds its hash: the chain is ``AuditSeal`` (0004, 0005).

``AuditEvent.hash`` and ``prev_hash`` remain as properties reading the seal. A
migration of its own, apart from 0005's inserts: PostgreSQL refuses to ALTER a
table with deferred constraint checks pending in the same transaction.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_seal_existing_chain")]
    operations = [
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
    ]
