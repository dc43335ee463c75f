"""The portal's periodic tasks; their schedules are the ``disclosure-*`` entries of
``config/celery.py``'s ``BEAT_SCHEDULE``. Each part keeps its tasks in its own module
(``tasks_ocds``, ``tasks_practice``), imported here for Celery's autodiscovery."""

from celery import shared_task

from .source_complaints import listings_refresh
from .tasks_ocds import ocds_export_daily  # noqa: F401
from .tasks_practice import recompute_agency_practice  # noqa: F401


@shared_task(ignore_result=True, name="disclosure.tasks.refresh_listings")
def refresh_listings() -> tuple[int, int]:
    """Bad-behaviour listings leave the portal when their period ends or they are lifted
    (a queryset update, which sends no signal), and appear when their period begins."""
    return listings_refresh()
