from celery import shared_task
from django.utils import timezone

from .anchor import audit_checkpoint_write
from .services import audit_seal


@shared_task(ignore_result=True)
def seal() -> int:
    """Link the committed, unsealed audit events into the hash chain (``audit-seal``)."""
    return audit_seal(now=timezone.now())


@shared_task(ignore_result=True)
def checkpoint() -> str | None:
    """Seal what is pending, then sign the audit chain's head into AUDIT_ANCHOR_DIR
    (nothing when it has not grown)."""
    written = audit_checkpoint_write(now=timezone.now())
    return written.name if written else None
