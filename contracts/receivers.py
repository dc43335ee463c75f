"""What contracts does when procurement tells it something, after procurement's commit.

Connected in ``ContractsConfig.ready``. ``core.events`` runs each receiver on its
own: a failure here is logged and never undoes the award that caused it.
"""

from procurement.signals import award_confirmed


def ledger_on_award_confirmed(sender, award, **kwargs):
    """The purchaser's ledger (台账) gets the awarded lot's row."""
    from .services import ledger_row_open

    ledger_row_open(award=award)


def connect() -> None:
    award_confirmed.connect(ledger_on_award_confirmed,
                            dispatch_uid="contracts.ledger_on_award_confirmed")
