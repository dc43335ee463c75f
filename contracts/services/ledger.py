"""The purchaser's ledger (台账): one row per awarded lot, written once."""

from procurement.models import Award

from ..models import LedgerRow


def ledger_row_open(*, award: Award) -> LedgerRow:
    """Write the awarded lot's ledger row: the award as it was made (project, lot,
    budget, winner, amount, when). Safe to run twice: the row is written once.

    Called when procurement confirms an award (``receivers``, after the award's commit).
    What moves later — the contract, payments, overdue clocks — is not stored here:
    ``selectors.ledger_of`` reads it live."""
    award = Award.objects.select_related("lot__project__purchaser", "bid__supplier").get(
        pk=award.pk)
    lot, project = award.lot, award.lot.project
    row, _created = LedgerRow.objects.get_or_create(award=award, defaults={
        "purchaser": project.purchaser, "project_code": project.code,
        "project_title": project.title, "lot_number": lot.number, "budget": lot.budget,
        "supplier_name": award.bid.supplier.name, "award_amount": award.amount,
        "awarded_at": award.confirmed_at})
    return row
