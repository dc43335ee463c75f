"""The ledger learns of each award as it is made, without procurement knowing about us."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from procurement.models import Award


@receiver(post_save, sender=Award, dispatch_uid="contracts.ledger_on_award")
def ledger_on_award(sender, instance: Award, created: bool, **kwargs):
    """Inside the award's own transaction: no award without its ledger row."""
    from .services import ledger_sync

    if created:
        ledger_sync(instance, now=instance.confirmed_at)
