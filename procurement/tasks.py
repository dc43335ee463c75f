"""Opening at the deadline, without a page view (87号令 第39条: opening at the time the
documents set).

Announcing a tender, or moving its deadline, schedules ``open_project_at_deadline``
for the bid deadline (``services.projects._schedule_opening``). The minute beat
``open_due_lots`` is the backstop: it opens any lot whose task was lost (a broker
restart, a worker down at the time). Both go through the same service, which opens a
lot once: a second run, or a task scheduled for a deadline since moved later, finds
nothing due and does nothing.
"""

from celery import shared_task

from .models import Project
from .services import lots_open_due, project_open_due


@shared_task(ignore_result=True)
def open_project_at_deadline(project_id: int) -> int:
    """Open the project's lots due now (scheduled with ``eta=bid_deadline``)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return project_open_due(project=project)


@shared_task(ignore_result=True)
def open_due_lots() -> int:
    """The beat's backstop, each minute: every lot past its deadline and still bidding."""
    return lots_open_due()
