"""Reads of the supervision desk that are more than a one-line query.

The read side reads the lifecycle's tables (docs/architecture.md); nothing here writes.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Sum, Value, When

from procurement.models import Lot, Project
from procurement.rules import not_reserved_basis

MONEY = DecimalField(max_digits=18, decimal_places=2)
# A project counts once approved (its lots are the purchaser's decision), and a lot while
# it is alive: a failed or cancelled lot is procured again, or not at all.
COUNTED_PROJECTS = [Project.Status.APPROVED, Project.Status.ANNOUNCED, Project.Status.OPENED,
                    Project.Status.EVALUATING, Project.Status.AWARDED]
DEAD_LOTS = [Lot.Status.FAILED, Lot.Status.CANCELLED]


def _counted_lots():
    return Lot.objects.filter(project__status__in=COUNTED_PROJECTS).exclude(
        status__in=DEAD_LOTS)


def sme_reserved_shares(*, year: int | None = None) -> list[dict]:
    """Each purchaser's share of its lots' budgets reserved for SMEs, by budget year
    (财库〔2020〕46号 第7、8条): a wholly reserved lot counts with its budget, a partly
    reserved one with its reserved share of it; the total is every counted lot's budget.

    Rows: purchaser (name and id), year, total, reserved (yuan) and share (per cent, two
    places; None when nothing was procured), sorted by year (latest first) and purchaser.
    """
    reserved = Case(
        When(sme_reservation=Lot.Reservation.WHOLE, then=F("budget")),
        When(sme_reservation=Lot.Reservation.PARTIAL,
             then=ExpressionWrapper(F("budget") * F("reserved_share") / Value(Decimal("100")),
                                    output_field=MONEY)),
        default=Value(Decimal("0")), output_field=MONEY)
    lots = _counted_lots()
    if year is not None:
        lots = lots.filter(project__budget_line__year=year)
    rows = (lots.values("project__purchaser_id", "project__purchaser__name",
                        "project__budget_line__year")
            .annotate(total=Sum("budget"), reserved=Sum(reserved))
            .order_by("-project__budget_line__year", "project__purchaser__name"))
    result = []
    for row in rows:
        total = row["total"] or Decimal("0")
        amount = (row["reserved"] or Decimal("0")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        result.append({
            "purchaser_id": row["project__purchaser_id"],
            "purchaser": row["project__purchaser__name"],
            "year": row["project__budget_line__year"],
            "total": total, "reserved": amount,
            "share": (amount / total * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if total else None})
    return result


def lots_not_reserved():
    """Lots the rules would reserve for SMEs that the purchaser did not, with the reason
    it gave (46号 第6条) or the re-run after too few SMEs (第10条): newest first. Each
    lot carries ``reason_basis``."""
    lots = list(Lot.objects.exclude(not_reserved_reason="")
                .select_related("project", "project__purchaser")
                .order_by("-project__created_at", "number")[:50])
    for lot in lots:
        lot.reason_basis = not_reserved_basis(lot.not_reserved_reason)
    return lots
