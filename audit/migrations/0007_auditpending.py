"""The sealer's work queue, ``AuditPending``, filled by a trigger on the event table.

Until now the sealer found unsealed events by an anti-join of every event
against every seal, every 5 seconds: a cost that grows with the trail, which is
kept 15 years. Now an ``AFTER INSERT`` row trigger on ``audit_auditevent``
inserts the new event's id into ``audit_auditpending`` in the same transaction,
so the queue holds exactly the events committed and not yet sealed, whatever
inserted them (the ORM, ``bulk_create``, raw SQL); the sealer reads and deletes
queue rows only. 0008 queues the events already waiting.

On SQLite too (the embedded demo): the same trigger, so the demo runs the same
sealer on the same queue — one code path, tested on both databases — rather
than a Python insert that raw SQL would bypass or an anti-join kept for SQLite
only. One trap: SQLite alters a table by copying it into a new one, which drops
its triggers; a later migration that changes ``audit_auditevent`` must create
this trigger again on SQLite (``audit/tests/test_seal.py`` fails until it does).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_auditevent_queue_for_sealing() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_auditpending (event_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_queue_for_sealing ON audit_auditevent;
CREATE TRIGGER audit_auditevent_queue_for_sealing
    AFTER INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_queue_for_sealing();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_queue_for_sealing ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_queue_for_sealing();
"""

SQLITE = """
CREATE TRIGGER IF NOT EXISTS audit_auditevent_queue_for_sealing
    AFTER INSERT ON audit_auditevent FOR EACH ROW
BEGIN
    INSERT INTO audit_auditpending (event_id) VALUES (NEW.id);
END;
"""

SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_auditevent_queue_for_sealing;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_remove_event_hash_columns")]

    operations = [
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                ("event", models.OneToOneField(
                    on_delete=django.db.models.deletion.PROTECT, primary_key=True,
                    related_name="pending", serialize=False, to="audit.auditevent",
                    verbose_name="audit event")),
            ],
            options={
                "verbose_name": "event pending sealing",
                "verbose_name_plural": "events pending sealing",
                "ordering": ["event_id"],
            },
        ),
        migrations.RunPython(create, drop),
    ]
