"""What contracts does when procurement tells it something, after procurement's commit.

Connected in ``ContractsConfig.ready``. ``core.events`` runs each receiver on its
own: a failure here is logged and never undoes the award that caused it.
"""

from procurement.signals import award_confirmed, award_revoked


def ledger_on_award_confirmed(sender, award, **kwargs):
    """The purchaser's ledger (台账) gets the awarded lot's row."""
    from .services import ledger_row_open

    ledger_row_open(award=award)


def void_on_award_revoked(sender, award, **kwargs):
    """The award was revoked before both signed: its unsigned contract is void. The
    ledger row stays — the award as it was made — and ``selectors.ledger_of`` reads the
    revocation and the void contract live, so the row shows the award revoked."""
    from .services import contract_void

    contract_void(award=award)


def connect() -> None:
    award_confirmed.connect(ledger_on_award_confirmed,
                            dispatch_uid="contracts.ledger_on_award_confirmed")
    award_revoked.connect(void_on_award_revoked,
                          dispatch_uid="contracts.void_on_award_revoked")
