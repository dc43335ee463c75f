"""The agencies' practice is counted again once a day (``services.agency_practice_recompute``).

The lead imports this module into ``disclosure/tasks.py``; the schedule is the
``disclosure-agency-practice`` entry of ``config/celery.py``'s ``BEAT_SCHEDULE``."""

from celery import shared_task

from .services import agency_practice_recompute


@shared_task(ignore_result=True, name="disclosure.tasks_practice.recompute_agency_practice")
def recompute_agency_practice() -> int:
    return agency_practice_recompute()
