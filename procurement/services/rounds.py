"""Competitive negotiation and consultation in rounds, ending with final quotations.

74号令 第31–35条 (negotiation) and 财库〔2014〕214号 第20–24条 (consultation): after the
first responses are opened (``opening.lot_open``) and the team drawn
(``evaluation.committee_draw``: the committee is the team), the team

1. negotiates with each supplier still in, separately, round after round, and records
   the notes of each session (``negotiation_session_record``) — a supplier sees only its
   own;
2. may change the technical or service requirements or the contract terms in writing,
   sent to every supplier still in (``document_change_issue``);
3. may exclude a supplier that does not meet the requirements, with the reason it is
   told (``negotiation_exclude``);
4. after a round with every supplier still in, calls for final quotations with a
   deadline (``final_quotes_call``); each supplier seals its final quotation
   (``final_quote_submit``), refused after the deadline by the server clock;
5. the final quotations are opened at the deadline, or as soon as every supplier still in
   has submitted (``final_quotes_open``): each becomes the bid's price — the price the
   evaluation ranks and the award takes — while the first sealed price stays in
   ``Bid.opened_payload["price"]``. A supplier without a final quotation is out.

Fewer suppliers left than the method's minimum (three, or two in the cases its rules
name: ``methods.MethodPolicy.exceptions``) terminates the procedure (74号令 第37条).
The report then follows the ordinary evaluation (``evaluation.evaluation_complete``),
ranking by ``policy.award_by``. Request for quotations has no rounds: one price each,
never changed (法 第40条).
"""

import json
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import rule

from .. import sealing, steps
from ..methods import policy
from ..models import (
    Bid,
    Committee,
    CommitteeMember,
    DocumentChange,
    FinalQuote,
    Lot,
    Negotiation,
    NegotiationSession,
)
from .opening import _people, lot_fail
from .projects import ORGANISER_ROLES, may_act

NS = Negotiation.Status
LIVE_LOT = (Lot.Status.OPENED, Lot.Status.EVALUATING)
# Official records and messages are written in Chinese.
NO_FINAL_QUOTE = "未在规定时间内提交最后报价"


# --- who, where, how many ----------------------------------------------------------

def _is_team_member(user, lot: Lot) -> bool:
    return CommitteeMember.objects.filter(committee__lot=lot, expert=user).exists()


def _is_organiser(user, lot: Lot) -> bool:
    return may_act(user, lot.project, ORGANISER_ROLES)


def remaining_bids(lot: Lot):
    """The suppliers still in the negotiation: opened responses not excluded."""
    return (Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).select_related("supplier")
            .order_by("pk"))


def _locked_lot(lot: Lot) -> Lot:
    return (Lot.objects.select_for_update(of=("self",))
            .select_related("project", "project__demand", "project__purchaser",
                            "project__agency").get(pk=lot.pk))


def _require_rounds(lot: Lot) -> None:
    method = policy(lot.project.method)
    if not method.rounds:
        code = method.fixed_price_rule
        raise RuleViolation(
            _("This method has no negotiation rounds: each supplier gives one price, which "
              "may not be changed."), code="no_rounds",
            basis=rule(code).basis if code else "")


def _team_negotiation(lot: Lot, actor, now, *, statuses=(NS.ROUNDS,)) -> Negotiation:
    """The lot's negotiation, begun by the team's first act; the lot is locked."""
    _require_rounds(lot)
    if not _is_team_member(actor, lot):
        raise PermissionDenied(_("Only the lot's negotiation team does this."))
    committee = Committee.objects.filter(lot=lot).first()
    if lot.status not in LIVE_LOT or committee is None or committee.report_at:
        raise InvalidTransition(_("The team negotiates after the opening, before its "
                                  "report."))
    negotiation, _created = Negotiation.objects.get_or_create(
        lot=lot, defaults={"started_at": now, "started_by": actor})
    if negotiation.status not in statuses:
        raise InvalidTransition(_("This is not allowed at this stage of the negotiation "
                                  "(%(status)s)."),
                                params={"status": negotiation.get_status_display()})
    return negotiation


def _minimum(lot: Lot) -> tuple[int, str]:
    method = policy(lot.project.method)
    code = method.final_quotes_rule or method.min_qualified_rule
    return method.min_final_quotes(lot), method.minimum_basis(code, lot)


def _fail_if_too_few(negotiation: Negotiation, lot: Lot, count: int, *, actor, now) -> bool:
    """Fewer suppliers than the method needs: the procedure ends (74号令 第37条)."""
    needed, basis = _minimum(lot)
    if count >= needed:
        return False
    transition(negotiation, NS.FAILED, table=steps.NEGOTIATION, actor=actor, now=now,
               reason=basis)
    lot_fail(lot=lot, basis=basis, detail={"remaining": count}, now=now, actor=actor,
             reason=f"参加谈判（磋商）的供应商仅剩{count}家，不足{needed}家（{basis}），"
                    f"本包采购活动终止。")
    return True


def _current_round_complete(negotiation: Negotiation, lot: Lot) -> bool:
    met = set(NegotiationSession.objects.filter(
        negotiation=negotiation, round=negotiation.round).values_list("bid_id", flat=True))
    return set(remaining_bids(lot).values_list("pk", flat=True)) <= met


def _still_in(bid: Bid, lot: Lot) -> Bid:
    bid = Bid.objects.select_related("supplier").get(pk=bid.pk)
    if bid.lot_id != lot.pk or bid.status != Bid.Status.OPENED:
        raise InvalidTransition(_("This supplier is no longer in the negotiation."))
    return bid


# --- the team's acts ---------------------------------------------------------------

@records_refusals("negotiation.refused")
@transaction.atomic
def negotiation_session_record(*, lot: Lot, bid: Bid, notes: str, actor, now=None,
                               ip=None) -> NegotiationSession:
    """The team's notes of this round's session with one supplier, met on its own
    (74号令 第31条). Recorded again in the same round, the notes are replaced."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    negotiation = _team_negotiation(lot, actor, now)
    bid = _still_in(bid, lot)
    notes = (notes or "").strip()
    if len(notes) < 2:
        raise DomainError(_("Write down what was negotiated."), code="notes_required",
                          field="notes")
    session, _created = NegotiationSession.objects.update_or_create(
        negotiation=negotiation, round=negotiation.round, bid=bid,
        defaults={"notes": notes, "recorded_by": actor, "at": now})
    audit_record(action="negotiation.session", actor=actor,
                 organization=lot.project.purchaser, obj=bid,
                 detail={"round": negotiation.round}, ip=ip, now=now)
    return session


@records_refusals("negotiation.refused")
@transaction.atomic
def document_change_issue(*, lot: Lot, text: str, actor, now=None,
                          ip=None) -> DocumentChange:
    """A written change to the requirements or contract terms, sent to every supplier
    still in the negotiation (74号令 第32条; 214号 第22条)."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    negotiation = _team_negotiation(lot, actor, now)
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError(_("Write the change out in full: the suppliers receive it in "
                            "writing."), code="change_required", field="text")
    suppliers = [b.supplier for b in remaining_bids(lot)]
    change = DocumentChange.objects.create(negotiation=negotiation, round=negotiation.round,
                                           text=text, issued_by=actor, at=now)
    change.recipients.set(suppliers)
    project = lot.project
    notify(event_key=f"document-change:{change.pk}", recipients=_people(suppliers),
           category="procurement.negotiation",
           subject=f"{project.title}第{lot.number}包谈判文件变更",
           body=f"【春风政采】{project.title}第{lot.number}包谈判（磋商）小组书面变更了"
                f"采购文件：{text}",
           link="/procurement/bids/", now=now)
    audit_record(action="negotiation.change", actor=actor, organization=project.purchaser,
                 obj=lot, detail={"round": negotiation.round,
                                  "recipients": [s.pk for s in suppliers]}, ip=ip, now=now)
    return change


@records_refusals("negotiation.refused")
@transaction.atomic
def negotiation_exclude(*, lot: Lot, bid: Bid, reason: str, actor, now=None,
                        ip=None) -> Bid:
    """The team excludes a supplier whose response does not meet the requirements; the
    supplier is told why. Too few left, the procedure ends (74号令 第37条)."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    negotiation = _team_negotiation(lot, actor, now)
    bid = _still_in(bid, lot)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(_("State the reason: the supplier is told why it is excluded."),
                          code="reason_required", field="reason")
    transition(bid, Bid.Status.REJECTED, table=steps.BID, actor=actor, now=now,
               reason=reason)
    project = lot.project
    notify(event_key=f"negotiation-excluded:{bid.pk}", recipients=_people([bid.supplier]),
           category="procurement.negotiation",
           subject=f"{project.title}第{lot.number}包：未能继续参加谈判",
           body=f"【春风政采】贵单位未能继续参加{project.title}第{lot.number}包的谈判（磋商），"
                f"原因：{reason}", link="/procurement/bids/", now=now)
    audit_record(action="negotiation.exclude", actor=actor, organization=project.purchaser,
                 obj=bid, detail={"round": negotiation.round, "reason": reason}, ip=ip,
                 now=now)
    _fail_if_too_few(negotiation, lot, remaining_bids(lot).count(), actor=actor, now=now)
    return bid


@records_refusals("negotiation.refused")
@transaction.atomic
def negotiation_round_next(*, lot: Lot, actor, now=None, ip=None) -> Negotiation:
    """The next round, once the team has met every supplier still in."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    negotiation = _team_negotiation(lot, actor, now)
    if not _current_round_complete(negotiation, lot):
        raise DomainError(_("Negotiate with every supplier still in before the next step."),
                          code="sessions_incomplete")
    negotiation.round += 1
    negotiation.save(update_fields=["round"])
    audit_record(action="negotiation.round", actor=actor, organization=lot.project.purchaser,
                 obj=lot, detail={"round": negotiation.round}, ip=ip, now=now)
    return negotiation


@records_refusals("negotiation.refused")
@transaction.atomic
def final_quotes_call(*, lot: Lot, deadline, actor, now=None, ip=None) -> Negotiation:
    """The team asks every supplier still in for its final quotation by ``deadline``
    (74号令 第33条; 214号 第21条), once it has met each of them in this round."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    negotiation = _team_negotiation(lot, actor, now)
    if not _current_round_complete(negotiation, lot):
        raise DomainError(_("Negotiate with every supplier still in before the next step."),
                          code="sessions_incomplete")
    if deadline is None or deadline <= now:
        raise DomainError(_("The final quotations are due in the future."),
                          code="deadline_past", field="deadline")
    bids = list(remaining_bids(lot))
    needed, basis = _minimum(lot)
    if len(bids) < needed:  # cannot happen after an exclusion, which fails the lot
        raise RuleViolation(_("Too few suppliers are left for final quotations."),
                            code="too_few", basis=basis)
    negotiation.final_deadline, negotiation.final_called_at = deadline, now
    transition(negotiation, NS.FINAL_QUOTES, table=steps.NEGOTIATION, actor=actor, now=now,
               update_fields=["final_deadline", "final_called_at"])
    project = lot.project
    due = timezone.localtime(deadline)
    notify(event_key=f"final-quotes:{negotiation.pk}",
           recipients=_people([b.supplier for b in bids]),
           category="procurement.negotiation",
           subject=f"{project.title}第{lot.number}包请提交最后报价",
           body=f"【春风政采】请于{due:%Y-%m-%d %H:%M}前在平台提交{project.title}"
                f"第{lot.number}包的最后报价，逾期视为退出。", link="/procurement/bids/",
           now=now)
    audit_record(action="negotiation.call", actor=actor, organization=project.purchaser,
                 obj=lot, detail={"deadline": deadline.isoformat(), "suppliers": len(bids)},
                 ip=ip, now=now)
    return negotiation


# --- the supplier's final quotation ------------------------------------------------

def _due(negotiation: Negotiation) -> str:
    return f"{timezone.localtime(negotiation.final_deadline):%Y-%m-%d %H:%M}"


@records_refusals("final_quote.refused")
@transaction.atomic
def final_quote_submit(*, bid: Bid, price, actor, now=None, ip=None) -> FinalQuote:
    """Seal the supplier's final quotation with the lot's key.

    1. only staff of the bidder, while final quotations are called and before their
       deadline by the server clock;
    2. once: the negotiation row is locked, so a double click or two clerks at once
       leave one quotation and a clear refusal;
    3. the receipt is the server time and the SHA-256 of what was sealed;
    4. the last supplier still in to submit opens them all.
    """
    now = now or timezone.now()
    bid = Bid.objects.select_related("lot__project", "supplier").get(pk=bid.pk)
    lot = bid.lot
    if not Membership.objects.filter(user=actor, organization=bid.supplier,
                                     is_active=True).exists():
        raise PermissionDenied(_("Only the supplier's own staff submit its final quotation."))
    _require_rounds(lot)
    negotiation = Negotiation.objects.select_for_update().filter(lot=lot).first()
    if negotiation is None or negotiation.status != NS.FINAL_QUOTES:
        raise InvalidTransition(_("Final quotations have not been called for."))
    method = policy(lot.project.method)
    if now >= negotiation.final_deadline:
        raise RuleViolation(_("The final quotations were due at %(due)s (server clock); "
                              "this one is late."),
                            params={"due": _due(negotiation)},
                            code="final_quote_late", basis=rule(method.final_quotes_rule).basis)
    if bid.status != Bid.Status.OPENED:
        raise InvalidTransition(_("This supplier is no longer in the negotiation."))
    if FinalQuote.objects.filter(bid=bid).exists():
        raise InvalidTransition(_("The final quotation has been submitted already; it "
                                  "cannot be changed."))
    try:
        price = Decimal(str(price)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(_("Enter the price as a number."), field="price") from None
    if price <= 0:
        raise DomainError(_("The price must be more than zero."), field="price")
    plain = json.dumps({"price": str(price), "nonce": secrets.token_hex(16)},
                       sort_keys=True).encode()
    quote = FinalQuote(negotiation=negotiation, bid=bid, submitted_at=now,
                       submitted_by=actor)
    quote.sealed_payload = sealing.seal(lot.wrapped_key, plain, quote.aad)
    quote.receipt_sha256 = sealing.digest(plain)
    quote.save()
    audit_record(action="final_quote.seal", actor=actor, organization=bid.supplier, obj=bid,
                 detail={"receipt": quote.receipt_sha256}, ip=ip, now=now)
    if not remaining_bids(lot).filter(final_quote__isnull=True).exists():
        _open(negotiation, _locked_lot(lot), now=now, actor=None, opening_at=now)
    return quote


# --- opening the final quotations ---------------------------------------------------

@records_refusals("negotiation.refused")
@transaction.atomic
def final_quotes_open(*, lot: Lot, actor, now=None, ip=None) -> Negotiation:
    """Open the final quotations at their deadline (server clock); the team or the
    organiser presses the button (every supplier having submitted opens them at once)."""
    now = now or timezone.now()
    lot = _locked_lot(lot)
    _require_rounds(lot)
    if not (_is_team_member(actor, lot) or _is_organiser(actor, lot)):
        raise PermissionDenied(_("Only the lot's negotiation team does this."))
    negotiation = Negotiation.objects.select_for_update().filter(lot=lot).first()
    if negotiation is None or negotiation.status != NS.FINAL_QUOTES:
        raise InvalidTransition(_("Final quotations have not been called for."))
    if now < negotiation.final_deadline:
        raise InvalidTransition(_("The final quotations stay sealed until %(due)s."),
                                params={"due": _due(negotiation)})
    _open(negotiation, lot, now=now, actor=actor, opening_at=negotiation.final_deadline)
    return negotiation


def final_quotes_open_due(*, now=None) -> int:
    """Open every call for final quotations whose deadline has passed — the platform
    does it (the minute beat, ``tasks.open_due_lots``), as it opens bids at their
    deadline, so no one has to press a button. Each in its own transaction; one
    already opened (by a person, or at once when all had submitted) is left as it is."""
    now = now or timezone.now()
    due = list(Negotiation.objects.filter(status=NS.FINAL_QUOTES, final_deadline__lte=now)
               .values_list("lot_id", flat=True)[:200])
    opened = 0
    for lot_id in due:
        with transaction.atomic():
            lot = _locked_lot(Lot(pk=lot_id))
            negotiation = Negotiation.objects.select_for_update().get(lot=lot)
            if negotiation.status != NS.FINAL_QUOTES:
                continue
            _open(negotiation, lot, now=now, actor=None, opening_at=negotiation.final_deadline)
            opened += 1
    return opened


def _open(negotiation: Negotiation, lot: Lot, *, now, actor, opening_at) -> None:
    """Unseal each final quotation; it becomes the bid's price, the first sealed price
    staying in ``opened_payload``; a supplier without one is out."""
    quoted = 0
    for bid in remaining_bids(lot):
        quote = FinalQuote.objects.filter(bid=bid).first()
        if quote is None:
            transition(bid, Bid.Status.REJECTED, table=steps.BID, actor=actor, now=now,
                       reason=NO_FINAL_QUOTE)
            continue
        plain = json.loads(sealing.unseal(lot.wrapped_key, quote.sealed_payload, quote.aad,
                                          opening_at=opening_at, now=now))
        quote.price, quote.opened_at = Decimal(plain["price"]), now
        quote.save(update_fields=["price", "opened_at"])
        first = bid.price
        bid.opened_payload = {**(bid.opened_payload or {}), "final_price": plain["price"]}
        bid.price = quote.price
        bid.save(update_fields=["price", "opened_payload"])
        audit_record(action="bid.final_price", actor=actor, organization=lot.project.purchaser,
                     obj=bid, detail={"first": str(first), "final": plain["price"]}, now=now)
        quoted += 1
    audit_record(action="negotiation.open", actor=actor, organization=lot.project.purchaser,
                 obj=lot, detail={"quotes": quoted}, now=now)
    if not _fail_if_too_few(negotiation, lot, quoted, actor=actor, now=now):
        negotiation.closed_at = now
        transition(negotiation, NS.CLOSED, table=steps.NEGOTIATION, actor=actor, now=now,
                   update_fields=["closed_at"])
        project = lot.project
        notify(event_key=f"final-quotes-opened:{negotiation.pk}",
               recipients=_people([project.purchaser,
                                   *([project.agency] if project.agency else []),
                                   *[b.supplier for b in remaining_bids(lot)]]),
               category="procurement.negotiation",
               subject=f"{project.title}第{lot.number}包最后报价已开启",
               body=f"【春风政采】{project.title}第{lot.number}包共{quoted}家供应商提交了"
                    f"最后报价，已于{timezone.localtime(now):%Y-%m-%d %H:%M}开启，进入评审。",
               link=project.get_absolute_url(), now=now)


def final_quotes_block_report(lot: Lot) -> None:
    """A method in rounds reports on final quotations only: they must be opened."""
    method = policy(lot.project.method)
    if not method.rounds:
        return
    negotiation = Negotiation.objects.filter(lot=lot).first()
    if negotiation is None or negotiation.status != NS.CLOSED:
        raise RuleViolation(_("Call for and open the final quotations before the report."),
                            code="final_quotes_pending",
                            basis=rule(method.final_quotes_rule).basis)
