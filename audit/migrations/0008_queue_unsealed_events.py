"""Queue every event recorded before 0007 and not sealed yet.

0007's trigger queues the events inserted after it; creating it waited for the
transactions already inserting events, so every other event had committed
before this runs and is found here. ``NOT EXISTS`` on the queue as well: an
event the trigger already queued is not queued twice. One statement, on
PostgreSQL and SQLite alike. Reversing leaves the queue as it is (0007's
reversal drops it).
"""

from django.db import migrations

QUEUE = """
INSERT INTO audit_auditpending (event_id)
SELECT e.id FROM audit_auditevent e
 WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id)
   AND NOT EXISTS (SELECT 1 FROM audit_auditpending p WHERE p.event_id = e.id)
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_auditpending")]
    operations = [migrations.RunSQL(QUEUE, migrations.RunSQL.noop, elidable=False)]
