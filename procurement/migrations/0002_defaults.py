"""Default fair-competition patterns and the open-tender / procurement thresholds."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# 河南省政府集中采购目录及标准 (verify against the province's current edition; the
# finance bureau edits these in the admin, effective-dated).
HENAN_BASIS = "河南省政府集中采购目录及标准 (verify)"
THRESHOLDS = [
    ("open_tender", "goods", Decimal("4000000")),
    ("open_tender", "service", Decimal("4000000")),
    ("open_tender", "engineering", Decimal("4000000")),
    ("procurement", "goods", Decimal("1000000")),
    ("procurement", "service", Decimal("1000000")),
    ("procurement", "engineering", Decimal("1000000")),
]


def load(apps, schema_editor):
    from procurement.data import fairness_patterns

    # The current defaults, with the fields this migration's model has (a later data
    # migration sets the rest and retires the first defaults on databases that had them).
    fairness_patterns.load(apps, schema_editor)
    Threshold = apps.get_model("procurement", "Threshold")
    for kind, category, amount in THRESHOLDS:
        Threshold.objects.get_or_create(
            kind=kind, category=category, effective_from=dt.date(2023, 1, 1),
            defaults={"amount": amount, "basis": HENAN_BASIS})


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
