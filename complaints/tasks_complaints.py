"""The complaints part's periodic task (registered by ``services.complaints.register()``;
the schedule is in ``config/celery.py``)."""

from celery import shared_task

from .services.complaints import complaint_suspensions_lift


@shared_task(ignore_result=True, name="complaints.tasks_complaints.lift_suspensions")
def lift_suspensions() -> int:
    """Lift each suspension of a procurement whose period has run out (法 第57条)."""
    return len(complaint_suspensions_lift())
