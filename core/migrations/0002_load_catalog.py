"""Load the 2022 government procurement catalogue (4,272 codes) from core/data."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "catalog-2022.csv"


def load(apps, schema_editor):
    CatalogItem = apps.get_model("core", "CatalogItem")
    with CSV_PATH.open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (int(r["level"]), r["code"]))
    known = set()
    items = []
    for row in rows:
        parent = row["parent"] or None
        items.append(
            CatalogItem(
                code=row["code"],
                name=row["name"][:200],
                level=int(row["level"]),
                # A parent missing from the extraction leaves the item at the top
                # rather than failing the whole load.
                parent_id=parent if parent in known else None,
                type=row["type"],
            )
        )
        known.add(row["code"])
    CatalogItem.objects.bulk_create(items, batch_size=1000, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("core", "CatalogItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
