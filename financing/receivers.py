"""What financing does when something happens below it (``core.events``): connected in
``FinancingConfig.ready``, run after the sender's transaction commits."""

from procurement.models import Award


def financing_offers_on_award(sender, award: Award, **kwargs) -> None:
    """The winner hears of contract financing with its award (春风行动 第26条): the
    policy and the banks' active offers, without procurement knowing about banks.

    ``procurement.signals.award_confirmed`` is sent after the award commits, so a
    failure here (logged by ``core.events``) never undoes an award; the message's event
    key makes a second delivery of the signal a no-op. (Imported here, not at start:
    the services pull in contracts' services, which need not load with the apps.)"""
    from .selectors import financing_offers_for
    from .services import financing_offers_tell

    financing_offers_tell(award, offers=financing_offers_for(award), now=award.confirmed_at)
