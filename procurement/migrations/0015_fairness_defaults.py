"""Fair-competition defaults read clause by clause: fee patterns with the fee reader, the
new condition patterns, and the first defaults (0002) retired where nobody edited them.

Data only (kept apart from the schema migration 0014_fairness so that it can be
renumbered on its own).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from procurement.data import fairness_patterns

    fairness_patterns.retire(apps, schema_editor)
    fairness_patterns.load(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("procurement", "0014_fairness")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
