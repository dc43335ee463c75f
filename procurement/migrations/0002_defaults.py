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
    from procurement.data.fairness_patterns import PATTERNS

    FairnessPattern = apps.get_model("procurement", "FairnessPattern")
    Threshold = apps.get_model("procurement", "Threshold")
    for topic, severity, pattern, exception, message, basis in PATTERNS:
        FairnessPattern.objects.get_or_create(
            pattern=pattern, defaults={"topic": topic, "severity": severity,
                                       "exception": exception, "message": message,
                                       "basis": basis})
    for kind, category, amount in THRESHOLDS:
        Threshold.objects.get_or_create(
            kind=kind, category=category, effective_from=dt.date(2023, 1, 1),
            defaults={"amount": amount, "basis": HENAN_BASIS})


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
