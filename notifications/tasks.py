from celery import shared_task

from .services import messages_deliver_due


@shared_task(ignore_result=True)
def deliver_due() -> int:
    return messages_deliver_due()
