"""The credit part's periodic task (registered by ``services.credit.register()``; the
schedule is in ``config/celery.py``)."""

from celery import shared_task

from .services.credit import credit_grades_refresh


@shared_task(ignore_result=True, name="complaints.tasks_credit.refresh_grades")
def refresh_grades() -> int:
    return credit_grades_refresh()
