"""A project's status history moves to ``core.StatusChange`` (one history for every
status field, written by ``core.transitions.transition``): each ``ProjectEvent`` becomes
a row on the project with the same old and new status, actor, time and reason."""

from django.db import migrations

# The step that led to each status (procurement.steps.PROJECT), as of this migration.
STEP_TO = {"submitted": "submit", "approved": "approve", "draft": "return",
           "announced": "announce", "opened": "open", "evaluating": "evaluate",
           "awarded": "award", "failed": "fail", "cancelled": "cancel"}


def copy_events(apps, schema_editor):
    ProjectEvent = apps.get_model("procurement", "ProjectEvent")
    StatusChange = apps.get_model("core", "StatusChange")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ProjectEvent.objects.exists():
        return
    project_type, _created = ContentType.objects.get_or_create(app_label="procurement",
                                                               model="project")
    StatusChange.objects.bulk_create(
        StatusChange(content_type=project_type, object_id=e.project_id, field="status",
                     step=STEP_TO.get(e.to_status, ""), old=e.from_status, new=e.to_status,
                     actor_id=e.actor_id, at=e.at, reason=e.reason)
        for e in ProjectEvent.objects.order_by("at", "id").iterator())


def copy_back(apps, schema_editor):
    ProjectEvent = apps.get_model("procurement", "ProjectEvent")
    StatusChange = apps.get_model("core", "StatusChange")
    ContentType = apps.get_model("contenttypes", "ContentType")
    project_type = ContentType.objects.filter(app_label="procurement", model="project").first()
    if project_type is None:
        return
    rows = StatusChange.objects.filter(content_type=project_type, field="status")
    ProjectEvent.objects.bulk_create(
        ProjectEvent(project_id=r.object_id, actor_id=r.actor_id, from_status=r.old,
                     to_status=r.new, reason=r.reason, at=r.at)
        for r in rows.order_by("at", "id").iterator())
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_status_change"),
        ("procurement", "0010_lot_items"),
    ]

    operations = [
        migrations.RunPython(copy_events, copy_back),
    ]
