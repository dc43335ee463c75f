"""Opening at the deadline (87号令 第39–43条): the only place bids are unsealed."""

import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import InvalidTransition
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import rule

from .. import sealing, steps
from ..announcements import render_failure
from ..holds import check_not_held, procurement_hold
from ..methods import policy
from ..models import Announcement, Bid, Lot, Project
from ..signals import lot_opened
from .projects import project_settle
from .queries import price_corrections_raise

OPENABLE = (Lot.Status.BIDDING,)


def _people(orgs):
    return [m.user for m in Membership.objects.filter(
        organization__in=orgs, is_active=True,
        role__in=[Membership.Role.ADMIN, Membership.Role.OFFICER]).select_related("user")]


@records_refusals()
@transaction.atomic
def lot_open(*, lot: Lot, now=None, actor=None) -> Lot:
    """Open one lot at or after its deadline (server clock).

    1. fewer sealed bids than the method requires (``methods.policy``: 3 for
       tendering, none for single source): not opened, the lot fails
       with the reason, and the purchaser and every bidder are told;
    2. otherwise every sealed bid is decrypted — price and declarations —
       and the opening table (开标一览表) is published to bidders and purchaser.
    Safe to call twice: an opened or failed lot is returned as it is. Either way
    ``signals.lot_opened`` goes out once the opening is committed.
    """
    now = now or timezone.now()
    lot = (Lot.objects.select_for_update(of=("self",))
           .select_related("project", "project__purchaser", "project__agency").get(pk=lot.pk))
    project = lot.project
    if lot.status not in OPENABLE:
        return lot
    if project.bid_deadline is None or now < project.bid_deadline:
        raise InvalidTransition(_("A lot opens at its bid deadline, not before."))
    check_not_held(project, now)
    bids = list(Bid.objects.filter(lot=lot, status=Bid.Status.SEALED).select_related(
        "supplier"))
    method = policy(project.method)
    needed, basis = method.min_to_open(lot), method.basis(method.min_to_open_rule)
    bidders = {b.supplier for b in bids}
    recipients = _people([project.purchaser, *([project.agency] if project.agency else []),
                          *bidders])
    if _sme_stop(lot, bids, method, also=(needed, basis), now=now, actor=actor):
        send_on_commit(lot_opened, sender=Lot, lot=lot)
        return lot
    if len(bids) < needed:
        with translation.override("zh-hans"):  # an official record, in Chinese
            reason = gettext(
                "Only %(n)s bid(s) were received by the deadline; at least %(min)s are needed "
                "to open (%(basis)s). The lot is not opened: re-tender or change the method."
            ) % {"n": len(bids), "min": needed, "basis": basis}
        lot.opened_at = now
        lot.save(update_fields=["opened_at"])
        lot_fail(lot=lot, reason=reason, basis=basis, detail={"bids": len(bids)},
                 now=now, actor=actor)
        send_on_commit(lot_opened, sender=Lot, lot=lot)
        return lot
    for bid in bids:
        plain = json.loads(sealing.unseal(lot.wrapped_key, bid.sealed_payload, bid.aad,
                                          opening_at=project.bid_deadline, now=now))
        bid.price = plain["price"]
        bid.opened_payload = plain
        bid.opened_at = now
        transition(bid, Bid.Status.OPENED, table=steps.BID, actor=actor, now=now,
                   update_fields=["price", "opened_payload", "opened_at"])
    lot.opened_at = now
    transition(lot, Lot.Status.OPENED, table=steps.LOT, actor=actor, now=now,
               update_fields=["opened_at"])
    price_corrections_raise(lot=lot, now=now)
    audit_record(action="lot.open", actor=actor, organization=project.purchaser, obj=lot,
                 detail={"bids": len(bids)}, now=now)
    notify(event_key=f"lot-opened:{lot.pk}", recipients=recipients,
           category="procurement.opening", subject=f"{project.title}第{lot.number}包已开标",
           body=f"【春风政采】{project.title}第{lot.number}包已于"
                f"{timezone.localtime(now):%Y-%m-%d %H:%M}开标，共{len(bids)}份投标，"
                f"开标一览表已公布。",
           link=project.get_absolute_url(), now=now)
    project_settle(project=project, now=now)
    send_on_commit(lot_opened, sender=Lot, lot=lot)
    return lot


def _sme_stop(lot: Lot, bids: list[Bid], method, *, also: tuple[int, str], now,
              actor) -> bool:
    """A lot reserved wholly for SMEs with fewer SME bidders than required is stopped
    and re-run as if not reserved (财库〔2020〕46号 第10条, verify): it fails with that
    reason, and ``project_retender`` drafts it unreserved. Every bid on such a lot was
    an SME's (``bid_submit`` refuses the others), so the sealed bids are counted. Too
    few to open under the method too (``also``: its minimum and basis): both are cited."""
    if lot.sme_reservation != Lot.Reservation.WHOLE or method.min_to_open_rule is None:
        return False  # single source names its one supplier: nothing to stop
    r = rule("sme.reserved_min_bidders")
    if len(bids) >= int(r.amount):
        return False
    basis = r.basis if len(bids) >= also[0] else f"{r.basis}; {also[1]}"
    with translation.override("zh-hans"):  # an official record, in Chinese
        reason = gettext(
            "Only %(n)s small or medium-sized enterprise(s) bid for this lot reserved for "
            "SMEs; at least %(min)s are needed (%(basis)s). The procurement of the lot is "
            "stopped and will be run again without the reservation."
        ) % {"n": len(bids), "min": r.amount, "basis": basis}
    lot.opened_at, lot.sme_stopped = now, True
    lot.save(update_fields=["opened_at", "sme_stopped"])
    lot_fail(lot=lot, reason=reason, basis=basis, detail={"sme_bids": len(bids)}, now=now,
             actor=actor)
    return True


def lot_fail(*, lot: Lot, reason: str, basis: str, detail: dict, now, actor=None) -> Lot:
    """A lot fails (废标) — too few bids at opening (87号令 第43条) or too few qualified
    after review (第44条): the reason is recorded, a failure notice is published, the
    purchaser, agency and every bidder are told, and the project follows its lots."""
    # Wait for any bid in flight on the lot (it holds FOR KEY SHARE: bidding._lot_for_bidding)
    # so that every bidder is told; a no-op when the caller locked the lot already.
    list(Lot.objects.select_for_update(of=("self",)).filter(pk=lot.pk).order_by()
         .values_list("pk"))
    project = lot.project
    lot.failure_reason = reason
    transition(lot, Lot.Status.FAILED, table=steps.LOT, actor=actor, now=now, reason=reason,
               update_fields=["failure_reason"])
    title, body, fields = render_failure(lot=lot, reason=reason, basis=basis, detail=detail)
    Announcement.objects.create(project=project, kind=Announcement.Kind.FAILURE, title=title,
                                body=body, fields=fields, published_at=now)
    audit_record(action="lot.fail", actor=actor, organization=project.purchaser, obj=lot,
                 detail={"basis": basis, **detail}, now=now)
    bidders = {b.supplier for b in lot.bids.exclude(status=Bid.Status.WITHDRAWN)
               .select_related("supplier")}
    notify(event_key=f"lot-failed:{lot.pk}",
           recipients=_people([project.purchaser, *([project.agency] if project.agency else []),
                               *bidders]),
           category="procurement.opening", subject=f"{project.title}第{lot.number}包废标",
           body=f"【春风政采】{project.title}第{lot.number}包废标：{reason}",
           link=project.get_absolute_url(), now=now)
    project_settle(project=project, now=now, actor=actor)
    return lot


def project_open_due(*, project: Project, now=None) -> int:
    """Open the project's lots whose deadline has passed; how many were due.

    Run by the task scheduled for the bid deadline (``tasks.open_project_at_deadline``).
    Before the deadline — a task scheduled for a deadline since moved later — nothing
    is due and nothing is done."""
    now = now or timezone.now()
    project = Project.objects.get(pk=project.pk)  # the deadline as it is now
    if project.bid_deadline is None or now < project.bid_deadline:
        return 0
    if procurement_hold(project, now) is not None:
        return 0  # opened by the minute's sweep once the hold ends
    ids = list(project.lots.filter(status=Lot.Status.BIDDING).values_list("id", flat=True))
    for pk in ids:
        lot_open(lot=Lot(pk=pk), now=now)
    return len(ids)


def lots_open_due(*, now=None) -> int:
    """Open every lot whose deadline has passed (the beat runs this each minute)."""
    now = now or timezone.now()
    opened = 0
    lots = list(Lot.objects.filter(status=Lot.Status.BIDDING, project__bid_deadline__lte=now)
                .select_related("project")[:200])
    for lot in lots:
        if procurement_hold(lot.project, now) is not None:
            continue  # suspended (法 第57条): opened by this sweep once the hold ends
        lot_open(lot=Lot(pk=lot.pk), now=now)
        opened += 1
    return opened


def _scale_label(scale) -> str:
    try:
        return str(Organization.Scale(scale).label)
    except ValueError:
        return ""


def opening_table(lot: Lot) -> list[dict]:
    """开标一览表: bidder, price, brand and model, declared scale — after opening only."""
    if lot.opened_at is None:
        return []
    rows = []
    for bid in lot.bids.filter(opened_at__isnull=False).select_related("supplier") \
            .order_by("sealed_at"):
        p = bid.opened_payload or {}
        # The price as sealed: a later correction (87号令 第59条) does not rewrite it.
        rows.append({"supplier": bid.supplier.name, "price": Decimal(p["price"]),
                     "price_words": p.get("price_words", ""),
                     "brand": p.get("brand", ""), "model": p.get("model", ""),
                     "scale": _scale_label((p.get("sme_declaration") or {}).get("scale")),
                     "sealed_at": bid.sealed_at, "receipt": bid.receipt_sha256})
    return rows
