"""The portal's periodic task. Its schedule belongs in ``config/celery.py``'s
``BEAT_SCHEDULE`` (not added here: the lead adds the entry)."""

from celery import shared_task

from .source_complaints import listings_refresh


@shared_task(ignore_result=True, name="disclosure.tasks.refresh_listings")
def refresh_listings() -> tuple[int, int]:
    """Bad-behaviour listings leave the portal when their period ends or they are lifted
    (a queryset update, which sends no signal), and appear when their period begins."""
    return listings_refresh()
