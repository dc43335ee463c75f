"""On PostgreSQL, refuse TRUNCATE of audit events too.

Row triggers (0002) do not fire for TRUNCATE, which emptied the table in one
statement, and ``verify_audit`` then found an intact chain of 0 events. A
statement-level trigger refuses it, also when it comes by cascade
(``TRUNCATE accounts_user CASCADE``). It reuses 0002's function, whose message
names the operation. The application's own role has no TRUNCATE privilege
either (``db_grant_app_role``); the signed checkpoints (``audit.anchor``)
show what someone does with the triggers disabled. SQLite has no TRUNCATE.
"""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_change();
"""

DROP = "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(create, drop)]
