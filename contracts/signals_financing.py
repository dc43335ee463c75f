"""The winner hears of contract financing with its award (春风行动 第26条): the policy and
the banks' active offers, without procurement knowing about banks."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from procurement.models import Award


@receiver(post_save, sender=Award, dispatch_uid="contracts.financing_offers_on_award")
def financing_offers_on_award(sender, instance: Award, created: bool, raw: bool = False,
                              **kwargs):
    """Inside the award's own transaction: the message goes out only with the award."""
    if not created or raw:
        return
    from .selectors import financing_offers_for
    from .services.financing import financing_offers_tell

    financing_offers_tell(instance, offers=financing_offers_for(instance),
                          now=instance.confirmed_at)
