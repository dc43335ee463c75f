from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("procurement", "0011_project_events_to_status_changes"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ProjectEvent",
        ),
    ]
