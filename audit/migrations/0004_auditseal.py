"""The hash chain moves to its own append-only table, ``AuditSeal``.

Requests now only INSERT an event, with no lock; the sealer adds each event's
seal (its place ``seq`` in the chain, ``prev_hash``, ``hash``) afterwards
(``audit.services.audit_seal``). The seal table gets the event table's guards:
on PostgreSQL, triggers refuse UPDATE and DELETE of a row and TRUNCATE of the
table, and the application's role may only SELECT and INSERT
(``db_grant_app_role``). 0005 copies the existing chain into it; 0006 drops the
old columns.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditseal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditseal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;
CREATE TRIGGER audit_auditseal_append_only
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_auditseal_refuse_change();
DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;
CREATE TRIGGER audit_auditseal_no_truncate
    BEFORE TRUNCATE ON audit_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditseal_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;
DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;
DROP FUNCTION IF EXISTS audit_auditseal_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_truncate")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False,
                                               verbose_name="chain position")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="previous hash")),
                ("hash", models.CharField(max_length=64, unique=True, verbose_name="hash")),
                ("sealed_at", models.DateTimeField(verbose_name="sealed at")),
                ("event", models.OneToOneField(
                    on_delete=django.db.models.deletion.PROTECT, related_name="seal",
                    to="audit.auditevent", verbose_name="audit event")),
            ],
            options={
                "verbose_name": "chain seal",
                "verbose_name_plural": "chain seals",
                "ordering": ["seq"],
                "constraints": [models.CheckConstraint(condition=models.Q(("seq__gte", 1)),
                                                       name="audit_auditseal_seq_positive")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
