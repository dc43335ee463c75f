from celery import shared_task

from .services import lots_open_due


@shared_task(ignore_result=True)
def open_due_lots() -> int:
    return lots_open_due()
