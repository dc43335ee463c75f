"""Drop the foreign-key indexes that composite indexes already start with.

Every write in the platform appends an event here, and each index is maintained on
every append: ``organization`` is covered by ``audit_event_org_at_idx`` and
``object_type`` by ``audit_event_object_idx``.

On SQLite, altering the table copies it into a new one, which drops the sealing
queue's trigger (0007): it is created again here.
"""

import django.db.models.deletion
from django.db import migrations, models


SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_auditevent_queue_for_sealing
    AFTER INSERT ON audit_auditevent FOR EACH ROW
BEGIN
    INSERT INTO audit_auditpending (event_id) VALUES (NEW.id);
END;
"""


def queue_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0008_queue_unsealed_events'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='object_type',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='object type'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization', verbose_name='organisation'),
        ),
        migrations.RunPython(queue_trigger_again, queue_trigger_again),
    ]
