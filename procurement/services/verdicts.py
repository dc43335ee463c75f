"""The review conclusion of each bid, per stage — computed from what is stored, never
stored twice (the report keeps a copy of what it decided).

- Qualification (87号令 第44条) is the purchaser's or agency's: its one verdict.
- Compliance is the committee's: each member gives a verdict; the conclusion is the
  majority once all have given theirs, and the minority is the dissent, kept with its
  reasons (87号令 第61条). A committee that reported before members voted one by one
  concluded on the verdicts it recorded.
- Some bids are invalid whatever the votes: a price above the budget, or the ceiling
  price when there is one (87号令 第63条) — the price as corrected and confirmed
  (第59条) —, and a bid the committee found invalid on a question to the bidder
  (第59条第2款, 第60条).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from rules.registry import rule

from .. import scoring
from ..models import Bid, BidQuery, Committee, CommitteeMember, Lot, Review

QUALIFICATION, COMPLIANCE = Review.Stage.QUALIFICATION, Review.Stage.COMPLIANCE


@dataclass
class StageVerdict:
    """The conclusion of one stage for one bid; the shape of a ``Review`` where a page
    or the API shows one (``bid_id``, ``stage``, ``passed``, ``reason``, ``at``)."""

    bid_id: int
    stage: str
    passed: bool | None                 # None: still to be given
    reason: str = ""
    at: datetime.datetime | None = None
    basis: str = ""
    votes: list[Review] = field(default_factory=list)    # the members' own verdicts
    dissent: list[Review] = field(default_factory=list)  # those in the minority
    members: int = 0                                     # verdicts needed

    def get_stage_display(self):
        return Review.Stage(self.stage).label


def price_limit(lot: Lot) -> Decimal:
    """The ceiling price when the documents set one, otherwise the budget (87号令 第63条)."""
    return lot.ceiling_price if lot.ceiling_price is not None else lot.budget


def over_budget_reason(bid: Bid, lot: Lot) -> str:
    """Why the bid's price makes it invalid, or ""."""
    if bid.price is None or bid.price <= price_limit(lot):
        return ""
    basis = rule("bid.over_budget").basis
    if lot.ceiling_price is not None:
        return (f"投标报价{bid.price:,.2f}元超过最高限价{lot.ceiling_price:,.2f}元，"
                f"投标无效（{basis}）。")
    return f"投标报价{bid.price:,.2f}元超过采购预算{lot.budget:,.2f}元，投标无效（{basis}）。"


def invalid_reason(query: BidQuery) -> str:
    """Why a question to the bidder made its bid invalid (the bidder is told it)."""
    if query.kind == BidQuery.Kind.PRICE_CORRECTION:
        if query.decided_by_id is not None and query.decided_by_id == query.answered_by_id:
            return (f"投标人不确认修正后的报价（{query.corrected_price:,.2f}元），"
                    "投标无效（87号令 第59条第2款）。")
        return f"{query.decision_reason}（87号令 第59条第2款）"
    return f"{query.decision_reason}（87号令 第60条）"


def lot_verdicts(lot: Lot, bids=None) -> dict[int, dict[str, StageVerdict]]:
    """bid id → stage → its conclusion, for the lot's opened bids (or ``bids``)."""
    bids = list(bids if bids is not None else
                Bid.objects.filter(lot=lot, opened_at__isnull=False)
                .exclude(status=Bid.Status.WITHDRAWN))
    committee = Committee.objects.filter(lot=lot).first()
    members = set(CommitteeMember.objects.filter(committee__lot=lot)
                  .values_list("expert_id", flat=True))
    reviews = {}
    for review in Review.objects.filter(bid__in=bids).select_related("reviewer") \
            .order_by("at", "id"):
        reviews.setdefault((review.bid_id, review.stage), []).append(review)
    invalid = {q.bid_id: q for q in BidQuery.objects.filter(
        bid__in=bids, status=BidQuery.Status.REJECTED).order_by("decided_at", "id")}
    reported = committee is not None and committee.report_at is not None
    out = {}
    for bid in bids:
        out[bid.pk] = {
            QUALIFICATION: _qualification(bid, reviews.get((bid.pk, QUALIFICATION), [])),
            COMPLIANCE: _compliance(bid, lot, reviews.get((bid.pk, COMPLIANCE), []),
                                    members, invalid.get(bid.pk), reported)}
    return out


def bid_verdicts(bid: Bid) -> dict[str, StageVerdict]:
    return lot_verdicts(bid.lot, [bid])[bid.pk]


def _qualification(bid: Bid, rows: list[Review]) -> StageVerdict:
    if not rows:
        return StageVerdict(bid.pk, QUALIFICATION, None, members=1)
    row = rows[-1]
    return StageVerdict(bid.pk, QUALIFICATION, row.passed, row.reason, row.at,
                        basis=rule("evaluation.min_qualified").basis, votes=[row], members=1)


def _compliance(bid: Bid, lot: Lot, rows: list[Review], members: set, query, reported
                ) -> StageVerdict:
    votes = [r for r in rows if r.reviewer_id in members]
    if query is not None:
        return StageVerdict(bid.pk, COMPLIANCE, False, invalid_reason(query),
                            query.decided_at, votes=votes, members=len(members))
    over = over_budget_reason(bid, lot)
    if over:
        return StageVerdict(bid.pk, COMPLIANCE, False, over, bid.opened_at,
                            basis=rule("bid.over_budget").basis, votes=votes,
                            members=len(members))
    # A report made when one verdict stood for the committee concluded on what it had.
    needed = len(votes) if reported and votes else len(members)
    verdict = scoring.majority([scoring.Vote(str(r.pk), r.passed, r.reason) for r in votes],
                               needed)
    dissent_keys = {v.member for v in verdict.dissent}
    return StageVerdict(
        bid.pk, COMPLIANCE, verdict.passed, "；".join(verdict.reasons),
        max((r.at for r in votes), default=None) if verdict.passed is not None else None,
        basis=rule("evaluation.majority").basis, votes=votes,
        dissent=[r for r in votes if str(r.pk) in dissent_keys], members=len(members))


def failed(verdicts: dict[str, StageVerdict]) -> list[StageVerdict]:
    return [v for v in verdicts.values() if v.passed is False]


def decided(verdicts: dict[str, StageVerdict]) -> bool:
    """A bid is decided once a stage fails it, or both pass it."""
    return bool(failed(verdicts)) or all(v.passed for v in verdicts.values())
