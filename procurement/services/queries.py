"""Questions to bidders during evaluation (87号令 第51条): price corrections (第59条)
and explanations of an abnormally low price (第60条).

Every question blocks the evaluation report until it is settled; a bidder that
does not confirm a corrected price, or cannot explain an abnormally low one,
has an invalid bid: the rejected question fails its compliance review, with the
reason, which the bidder sees (87号令 第69条; ``verdicts.invalid_reason``).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import rule

from .. import pricing, scoring, steps
from ..models import Bid, BidQuery, Committee, CommitteeMember, Lot, Review
from .bidding import SUPPLIER_ROLES
from .verdicts import failed, lot_verdicts

Q = BidQuery


def _supplier_people(bid: Bid):
    return [m.user for m in bid.supplier.memberships.filter(
        is_active=True, role__in=SUPPLIER_ROLES).select_related("user")]


def _tell_bidder(query: BidQuery, body: str, now) -> None:
    bid = query.bid
    notify(event_key=f"bid-query:{query.pk}:{query.status}", recipients=_supplier_people(bid),
           category="procurement.query", subject=f"{bid.lot.project.title}评审澄清",
           body=f"【春风政采】“{bid.lot.project.title}”第{bid.lot.number}包：{body}",
           link=f"/procurement/bids/{bid.pk}/", now=now)


def _report_open(lot: Lot) -> None:
    if Committee.objects.filter(lot=lot, report_at__isnull=False).exists():
        raise InvalidTransition(_("The evaluation report is submitted; questions are closed."))


# --- price corrections (第59条) ------------------------------------------------------

def correction_of(bid: Bid) -> pricing.Correction:
    payload = bid.opened_payload or {}
    lines = [pricing.Line(item=line.get("item", ""), quantity=Decimal(line["quantity"]),
                          unit_price=Decimal(line["unit_price"]))
             for line in payload.get("lines") or []]
    return pricing.correct(Decimal(payload["price"]), words=payload.get("price_words", ""),
                           lines=lines)


def price_corrections_raise(*, lot: Lot, now) -> list[BidQuery]:
    """At opening: apply the correction rules to every opened bid; where the price
    changes, ask the bidder to confirm the corrected price."""
    raised = []
    for bid in Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).select_related(
            "supplier", "lot__project"):
        correction = correction_of(bid)
        if not correction.changed:
            continue
        query, created = BidQuery.objects.get_or_create(
            bid=bid, kind=Q.Kind.PRICE_CORRECTION, defaults={
                "question": "；".join(correction.steps)
                + f"。修正后报价为{correction.corrected:,.2f}元，请确认；"
                "不确认的，投标无效（87号令 第59条第2款）。",
                "stated_price": correction.stated, "corrected_price": correction.corrected,
                "requested_at": now})
        if created:
            audit_record(action="bid.query", actor=None, organization=lot.project.purchaser,
                         obj=bid, detail={"kind": query.kind, "stated": correction.stated,
                                          "corrected": correction.corrected}, now=now)
            _tell_bidder(query, f"贵单位报价前后不一致，依87号令第59条修正为"
                                f"{correction.corrected:,.2f}元，请登录平台确认。", now)
            raised.append(query)
    return raised


# --- abnormally low prices (第60条) ------------------------------------------------

def abnormally_low_bids(lot: Lot) -> set[int]:
    """Bids whose price is far below the others still in the running (not failed in
    review): the committee must ask them for an explanation before the report."""
    bids = list(Bid.objects.filter(lot=lot, opened_at__isnull=False).exclude(
        status__in=[Bid.Status.WITHDRAWN, Bid.Status.REJECTED]))
    verdicts = lot_verdicts(lot, bids)
    prices = {str(b.pk): b.price for b in bids if not failed(verdicts[b.pk])}
    threshold = Decimal(rule("price.abnormally_low").amount)
    return {int(k) for k in scoring.abnormally_low(prices, threshold)}


def _chair(actor, lot: Lot) -> None:
    if not CommitteeMember.objects.filter(committee__lot=lot, expert=actor,
                                          role=CommitteeMember.Role.CHAIR).exists():
        raise PermissionDenied(_("The committee's chair puts questions to bidders and "
                                 "decides on the answers."))


@records_refusals()
@transaction.atomic
def explanation_request(*, bid: Bid, actor, question: str = "", now=None,
                        ip=None) -> BidQuery:
    """The chair asks a bidder to explain its price in writing (87号令 第60条)."""
    now = now or timezone.now()
    bid = Bid.objects.select_related("lot__project", "supplier").get(pk=bid.pk)
    lot = bid.lot
    _chair(actor, lot)
    _report_open(lot)
    if bid.opened_at is None or bid.status == Bid.Status.WITHDRAWN:
        raise InvalidTransition(_("Only an opened bid can be asked about."))
    if BidQuery.objects.filter(bid=bid, kind=Q.Kind.ABNORMALLY_LOW).exists():
        raise InvalidTransition(_("This bidder has been asked already."))
    question = question.strip() or (
        "贵单位报价明显低于其他通过符合性审查投标人的报价，有可能影响产品质量或者不能诚信履约。"
        "请在合理时间内提供书面说明，必要时提交相关证明材料（87号令 第60条）。")
    query = BidQuery.objects.create(bid=bid, kind=Q.Kind.ABNORMALLY_LOW, question=question,
                                    stated_price=bid.price, requested_by=actor,
                                    requested_at=now)
    audit_record(action="bid.query", actor=actor, organization=lot.project.purchaser, obj=bid,
                 detail={"kind": query.kind}, ip=ip, now=now)
    _tell_bidder(query, "评标委员会要求贵单位就报价作出书面说明，请登录平台提交。", now)
    return query


@records_refusals()
@transaction.atomic
def bid_query_answer(*, query: BidQuery, user, answer: str = "", confirm: bool | None = None,
                     now=None, ip=None) -> BidQuery:
    """The bidder answers: confirms or declines a corrected price, or explains its price.

    Declining a correction makes the bid invalid at once (87号令 第59条第2款)."""
    now = now or timezone.now()
    query = BidQuery.objects.select_for_update().select_related(
        "bid__lot__project", "bid__supplier").get(pk=query.pk)
    bid = query.bid
    require_role(user, bid.supplier, *SUPPLIER_ROLES)
    _report_open(bid.lot)
    if query.status != Q.Status.OPEN:
        raise InvalidTransition(_("This question has been answered already."))
    answer = answer.strip()
    if query.kind == Q.Kind.PRICE_CORRECTION:
        if confirm is None:
            raise DomainError(_("Confirm the corrected price, or decline it."), field="confirm")
        query.answer = answer or ("确认修正后的报价" if confirm else "不确认修正后的报价")
        query.decided_at, query.decided_by = now, user
        to = Q.Status.ACCEPTED if confirm else Q.Status.REJECTED
    else:
        if len(answer) < 10:
            raise DomainError(_("Explain the price in at least a few sentences."),
                              code="answer_too_short", field="answer", basis="87号令 第60条")
        query.answer = answer
        to = Q.Status.ANSWERED
    query.answered_at, query.answered_by = now, user
    transition(query, to, table=steps.BID_QUERY, actor=user, now=now,
               update_fields=["answer", "answered_at", "answered_by", "decided_at",
                              "decided_by"])
    if query.kind == Q.Kind.PRICE_CORRECTION and confirm:
        Bid.objects.filter(pk=bid.pk).update(price=query.corrected_price)
    audit_record(action="bid.query_answer", actor=user, organization=bid.supplier, obj=bid,
                 detail={"kind": query.kind, "status": query.status}, ip=ip, now=now)
    if query.kind == Q.Kind.ABNORMALLY_LOW:
        members = [m.expert for m in CommitteeMember.objects.filter(
            committee__lot=bid.lot).select_related("expert")]
        notify(event_key=f"bid-query:{query.pk}:answered", recipients=members,
               category="procurement.committee", subject=f"{bid.lot.project.title}澄清答复",
               body=f"【春风政采】{bid.supplier.name}已就报价提交书面说明，请登录评审工作台审阅。",
               link=f"/procurement/lots/{bid.lot_id}/committee/", now=now)
    return query


@records_refusals()
@transaction.atomic
def bid_query_decide(*, query: BidQuery, actor, accepted: bool, reason: str = "", now=None,
                     ip=None) -> BidQuery:
    """The chair accepts the explanation, or finds the price not shown to be reasonable —
    then the bid is invalid (87号令 第60条). A bidder that never answers is decided
    against the same way, with the reason stated."""
    now = now or timezone.now()
    query = BidQuery.objects.select_for_update().select_related(
        "bid__lot__project", "bid__supplier").get(pk=query.pk)
    bid = query.bid
    _chair(actor, bid.lot)
    _report_open(bid.lot)
    if not query.is_pending:
        raise InvalidTransition(_("This question has been decided already."))
    if query.kind == Q.Kind.PRICE_CORRECTION and accepted:
        raise PermissionDenied(_("Only the bidder can confirm a corrected price."))
    if query.status == Q.Status.OPEN and accepted:
        raise InvalidTransition(_("There is no answer to accept yet."))
    reason = reason.strip()
    if not accepted and len(reason) < 5:
        raise DomainError(_("State the reason: the bidder is told why its bid is invalid."),
                          code="reason_required", field="reason", basis="87号令 第69条")
    query.decided_by, query.decided_at, query.decision_reason = actor, now, reason
    transition(query, Q.Status.ACCEPTED if accepted else Q.Status.REJECTED,
               table=steps.BID_QUERY, actor=actor, now=now, reason=reason,
               update_fields=["decided_by", "decided_at", "decision_reason"])
    audit_record(action="bid.query_decide", actor=actor, organization=bid.lot.project.purchaser,
                 obj=bid, detail={"kind": query.kind, "accepted": accepted, "reason": reason},
                 ip=ip, now=now)
    _tell_bidder(query, "评标委员会已接受贵单位的书面说明。" if accepted
                 else f"贵单位投标无效：{reason}", now)
    return query


def queries_block_report(lot: Lot) -> None:
    """The report waits for every question, and for an explanation of every abnormally
    low price still in the running."""
    if BidQuery.objects.filter(bid__lot=lot, status__in=[Q.Status.OPEN, Q.Status.ANSWERED]
                               ).exists():
        raise RuleViolation(_("Questions to bidders are still open: settle them first."),
                            code="queries_open", basis="87号令 第51条")
    explained = set(BidQuery.objects.filter(bid__lot=lot, kind=Q.Kind.ABNORMALLY_LOW,
                                            status=Q.Status.ACCEPTED)
                    .values_list("bid_id", flat=True))
    missing = abnormally_low_bids(lot) - explained
    if missing:
        names = ", ".join(Bid.objects.filter(pk__in=missing).values_list("supplier__name",
                                                                          flat=True))
        raise RuleViolation(
            _("The price of %(bidders)s is abnormally low: ask for a written explanation and "
              "decide on it first."), params={"bidders": names},
            code="abnormally_low_unexplained", basis="87号令 第60条")


def assert_not_invalidated(bid: Bid, stage: str) -> None:
    """A bid made invalid by a question stays failed in compliance."""
    if stage == Review.Stage.COMPLIANCE and BidQuery.objects.filter(
            bid=bid, status=Q.Status.REJECTED).exists():
        raise InvalidTransition(_("This bid is invalid after a question to the bidder; its "
                                  "compliance review cannot be changed."))

