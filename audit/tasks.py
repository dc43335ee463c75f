from celery import shared_task
from django.utils import timezone

from .anchor import audit_checkpoint_write


@shared_task(ignore_result=True)
def checkpoint() -> str | None:
    """Sign the audit chain's head into AUDIT_ANCHOR_DIR (nothing when it has not grown)."""
    written = audit_checkpoint_write(now=timezone.now())
    return written.name if written else None
