"""Projects: drafted from a checked demand, approved by another person, announced.

Each step is one function; each checks its rules (procurement.rules), takes the
status step through ``core.transitions.transition`` with ``steps.PROJECT`` (which
leaves a ``StatusChange`` row) and records the act in the audit trail.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import require_kind, require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify

from .. import steps
from ..announcements import render_cancellation, render_clarification, render_tender
from ..models import Announcement, Demand, FairnessPattern, Lot, Project
from ..rules import (
    SEPARATION_BASIS,
    RuleViolation,
    check_budget,
    check_intention,
    check_method,
    check_periods,
    check_price_weight_range,
    check_sme_lot,
    check_supplier_exception,
    clarification_deadline,
)
from ..sealing import new_lot_key
from .invitations import check_drawn, invitations_send

logger = logging.getLogger(__name__)

P = Project.Status
# The audit action of each step (the settling steps keep the names they always had).
ACTIONS = {"submit": "project.submit", "approve": "project.approve", "return": "project.return",
           "announce": "project.announce", "cancel": "project.cancel"}


def _step(project: Project, to: str, *, actor, now, reason: str = "", ip=None, detail=None,
          update_fields=()) -> None:
    """Take the project's step to ``to`` (``steps.PROJECT`` refuses any other) and record
    the act; fields set before the call are saved with the status."""
    old = project.status
    step = transition(project, to, table=steps.PROJECT, actor=actor, now=now, reason=reason,
                      update_fields=update_fields)
    audit_record(action=ACTIONS.get(step.name, f"project.{to}"), actor=actor,
                 organization=project.purchaser, obj=project,
                 detail={"from": old, "to": to, "reason": reason, **(detail or {})}, ip=ip,
                 now=now)


def _schedule_opening(project: Project) -> None:
    """Once committed, have the workers open the project's lots at its bid deadline
    (``tasks.schedule_opening``: at once when the deadline is near, otherwise by the
    minute beat when it comes near). A task scheduled for an earlier deadline finds
    nothing due and does nothing; the beat also opens a lot whose task was lost, so a
    broker that refuses is only logged."""
    pk, deadline = project.pk, project.bid_deadline

    def schedule():
        from ..tasks import schedule_opening

        try:
            schedule_opening(pk, deadline)
        except Exception:  # the beat opens the lot a minute later
            logger.exception("Could not schedule the opening of project %s", pk)

    transaction.on_commit(schedule)


def project_settle(*, project: Project, now, actor=None) -> Project:
    """Move the project to where its lots are — the one place that does so.

    Bidding still open: nothing. Every lot failed or cancelled: failed. Every
    lot decided with one awarded: awarded. Otherwise opened, or under
    evaluation once a lot is — back from awarded when an award was revoked. Steps go
    through the transition table.
    """
    project = Project.objects.get(pk=project.pk)
    statuses = set(project.lots.values_list("status", flat=True))
    if statuses & {Lot.Status.PENDING, Lot.Status.BIDDING}:
        return project
    if statuses <= {Lot.Status.FAILED, Lot.Status.CANCELLED}:
        target = P.FAILED
    elif statuses <= {Lot.Status.AWARDED, Lot.Status.FAILED, Lot.Status.CANCELLED}:
        target = P.AWARDED
    elif statuses & {Lot.Status.EVALUATING, Lot.Status.AWARDED}:
        target = P.EVALUATING
    else:
        target = P.OPENED
    if target == P.FAILED:
        if steps.PROJECT.allows(project, P.FAILED):
            _step(project, P.FAILED, actor=actor, now=now, reason="no lot succeeded")
        return project
    path = [P.ANNOUNCED, P.OPENED, P.EVALUATING, P.AWARDED]
    if project.status not in path:
        return project
    if project.status == P.AWARDED and target != P.AWARDED:  # an award revoked
        _step(project, P.EVALUATING, actor=actor, now=now, reason="an award revoked")
        return project
    for status in path[path.index(project.status) + 1: path.index(target) + 1]:
        _step(project, status, actor=actor, now=now)
    return project


def _next_code(now) -> str:
    year = timezone.localtime(now).year
    prefix = f"WDCG-{year}-"
    last = (Project.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
            or f"{prefix}0000")
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1:04d}"


# Who organises a procurement: the purchaser's or agency's officers and administrators.
ORGANISER_ROLES = (Membership.Role.OFFICER, Membership.Role.ADMIN)


def may_act(user, project: Project, roles) -> bool:
    """Is ``user`` active staff of the project's purchaser or agency with one of ``roles``
    — the organiser's check of every procurement service."""
    orgs = [project.purchaser] + ([project.agency] if project.agency else [])
    return Membership.objects.filter(user=user, organization__in=orgs, role__in=roles,
                                     is_active=True).exists()


@records_refusals("project.create_refused")
@transaction.atomic
def project_create(*, purchaser: Organization, actor, demand: Demand, title: str, method: str,
                   lots: list[dict], contact_name: str, contact_phone: str, agency=None,
                   method_justification: str = "", assistant=None, retender_of=None,
                   supplier_exception: str = "", single_source_supplier=None,
                   single_source_case: str = "", experts: str = "", experts_opinion: str = "",
                   now=None, ip=None) -> Project:
    """1. the demand is the purchaser's, checked, with every warning justified;
    2. the lots fit the available budget (春风行动 第11条) and ceilings fit the lots;
    3. another method than open tendering above the threshold carries a reason;
    4. the procurement assistant (春风行动 第16条) is staff of the purchaser or its
       agency — the drafter unless another is named."""
    now = now or timezone.now()
    require_kind(purchaser, Organization.Kind.PURCHASER)
    require_role(actor, purchaser, Membership.Role.OFFICER, Membership.Role.ADMIN)
    if demand.purchaser_id != purchaser.pk:
        raise PermissionDenied(_("That demand belongs to another unit."))
    if demand.status == Demand.Status.DRAFT:
        raise DomainError(_("Run the fair-competition check on the demand first."),
                          code="demand_unchecked", field="demand")
    unjustified = demand.findings.filter(severity=FairnessPattern.Severity.WARN,
                                         overridden_at__isnull=True).count()
    if unjustified:
        raise RuleViolation(
            _("The demand has %(n)s fair-competition warning(s) without a justification."),
            params={"n": unjustified}, code="fair_competition_open", basis="春风行动 第1–4条",
            field="demand")
    if agency is not None and agency.kind not in (Organization.Kind.AGENCY,
                                                  Organization.Kind.CENTRAL_AGENCY):
        raise DomainError(_("Choose a procurement agency."), field="agency")
    if not lots:
        raise DomainError(_("A project has at least one lot."), field="lots")
    total = Decimal("0")
    sme_terms = []
    for i, lot in enumerate(lots, start=1):
        budget = Decimal(lot["budget"])
        ceiling = lot.get("ceiling_price")
        if budget <= 0:
            raise DomainError(_("Lot %(n)s: the budget must be more than zero."),
                              params={"n": i}, field="lots")
        if ceiling is not None and not (Decimal("0") < Decimal(ceiling) <= budget):
            raise RuleViolation(_("Lot %(n)s: the ceiling price must be more than zero and at "
                                  "most the lot's budget."), params={"n": i},
                                code="ceiling_over_budget", basis="87号令 第12条", field="lots")
        # Reservation and deduction rates (财库〔2020〕46号, 财库〔2022〕19号).
        sme_terms.append(check_sme_lot(category=demand.category, lot=lot, n=i,
                                       retender=retender_of is not None))
        total += budget
    allotted = _allot_items(demand, lots, whole=retender_of is None)
    check_budget(demand.budget_line, total)
    check_method(method=method, category=demand.category, budget=total,
                 justification=method_justification)
    check_supplier_exception(method=method, reason=supplier_exception or "",
                             retender_of=retender_of)
    check_price_weight_range(method=method, demand=demand)  # 214号 第24条
    assistant = assistant or actor
    _check_assistant(assistant, [purchaser, *([agency] if agency else [])])
    project = Project.objects.create(
        code=_next_code(now), title=title.strip(), purchaser=purchaser, agency=agency,
        demand=demand, budget_line=demand.budget_line, method=method,
        method_justification=method_justification.strip(), contact_name=contact_name,
        contact_phone=contact_phone, drafted_by=actor, assistant=assistant,
        retender_of=retender_of, supplier_exception=supplier_exception or "")
    for i, (lot, items, sme) in enumerate(zip(lots, allotted, sme_terms, strict=True),
                                          start=1):
        Lot.objects.create(
            project=project, number=i, title=lot["title"], budget=Decimal(lot["budget"]),
            ceiling_price=Decimal(lot["ceiling_price"]) if lot.get("ceiling_price") else None,
            **sme).items.set(items)
    if method == Project.Method.SINGLE_SOURCE:  # the supplier, case and experts' opinion
        from .single_source import single_source_setup

        single_source_setup(project=project, actor=actor, supplier=single_source_supplier,
                            case=single_source_case, experts=experts,
                            experts_opinion=experts_opinion, now=now)
    if demand.status != Demand.Status.USED:  # a re-tender uses its demand again
        transition(demand, Demand.Status.USED, table=steps.DEMAND, actor=actor, now=now,
                   reason=project.code, update_fields=["updated_at"])
    audit_record(action="project.create", actor=actor, organization=purchaser, obj=project,
                 detail={"budget": total, "method": method, "lots": len(lots),
                         "not_reserved": {i: sme["not_reserved_reason"]
                                          for i, sme in enumerate(sme_terms, start=1)
                                          if sme["not_reserved_reason"]}}, ip=ip, now=now)
    return project


def _check_assistant(user, organizations) -> None:
    if not Membership.objects.filter(user=user, organization__in=organizations,
                                     is_active=True).exists():
        raise DomainError(_("The procurement assistant must be staff of the purchaser or its "
                            "agency."), field="assistant")


@records_refusals()
@transaction.atomic
def project_assign_assistant(*, project: Project, actor, assistant, now=None,
                             ip=None) -> Project:
    """Name the procurement assistant (春风行动 第16条); the winner sees who it is."""
    now = now or timezone.now()
    if not may_act(actor, project, (Membership.Role.OFFICER, Membership.Role.ADMIN,
                                     Membership.Role.LEADER)):
        raise PermissionDenied()
    _check_assistant(assistant, [project.purchaser, *([project.agency] if project.agency
                                                      else [])])
    project.assistant = assistant
    project.save(update_fields=["assistant"])
    audit_record(action="project.assistant", actor=actor, organization=project.purchaser,
                 obj=project, detail={"assistant": assistant.pk}, ip=ip, now=now)
    return project


def _allot_items(demand: Demand, lots: list[dict], *, whole: bool) -> list[list]:
    """Each lot's share of the demand's items (``lot["items"]``: items or their ids).

    A single lot without a choice takes them all. Otherwise every lot names its items,
    an item belongs to one lot only, and — unless only part of the demand is procured
    again — every item is in a lot."""
    items = {item.pk: item for item in demand.items.all()}
    if len(lots) == 1 and not lots[0].get("items"):
        return [list(items.values())]
    allotted, seen = [], {}
    for n, lot in enumerate(lots, start=1):
        chosen = []
        for value in lot.get("items") or []:
            pk = getattr(value, "pk", value)
            item = items.get(int(pk)) if str(pk).isdigit() else None
            if item is None:
                raise DomainError(_("Lot %(n)s: an item is not one of the demand's."),
                                  params={"n": n}, code="lot_items", field="lots")
            if item.pk in seen and seen[item.pk] != n:
                raise DomainError(_("“%(item)s” is in lots %(a)s and %(b)s: an item belongs to "
                                    "one lot."), params={"item": item.name, "a": seen[item.pk],
                                                         "b": n},
                                  code="lot_items", field="lots")
            seen[item.pk] = n
            chosen.append(item)
        if not chosen:
            raise DomainError(_("Lot %(n)s: choose the items it procures."), params={"n": n},
                              code="lot_items", field="lots")
        allotted.append(chosen)
    missing = [item.name for pk, item in items.items() if pk not in seen]
    if whole and missing:
        raise DomainError(_("Not in any lot: %(items)s. Every item of the demand is procured "
                            "in one of the lots."), params={"items": "、".join(missing)},
                          code="lot_items", field="lots")
    return allotted


@records_refusals()
@transaction.atomic
def project_retender(*, project: Project, actor, method: str = "",
                     method_justification: str = "", supplier_exception: str = "",
                     now=None, ip=None) -> Project:
    """Procure again what failed (87号令 第43条: re-tender, or change the method with
    its justification): a new draft project from the same demand, with the failed lots
    and their budgets — which the failure released — to be approved again.

    A reserved lot stopped for too few SME bidders is re-run as if not reserved
    (财库〔2020〕46号 第10条), the reason recorded on the new lot; never with the same
    reservation."""
    now = now or timezone.now()
    project = Project.objects.select_related("purchaser", "agency", "demand").get(
        pk=project.pk)
    failed = list(project.lots.filter(status=Lot.Status.FAILED))
    if not failed:
        raise InvalidTransition(_("Only a failed lot can be procured again."))
    if project.retenders.exclude(status__in=[P.FAILED, P.CANCELLED]).exists():
        raise InvalidTransition(_("This project is being procured again already."))
    from .approvals import check_change_reason
    from .single_source import check_retender

    check_retender(project, method or project.method)
    check_change_reason(project, method or project.method, method_justification)
    new = project_create(
        purchaser=project.purchaser, actor=actor, demand=project.demand,
        title=project.title, method=method or project.method,
        method_justification=method_justification or project.method_justification,
        agency=project.agency, contact_name=project.contact_name,
        contact_phone=project.contact_phone, assistant=project.assistant,
        retender_of=project, supplier_exception=supplier_exception, now=now, ip=ip,
        lots=[{"title": lot.title, "budget": lot.budget, "ceiling_price": lot.ceiling_price,
               "items": list(lot.items.all()), **_sme_terms_again(lot, project)}
              for lot in failed])
    audit_record(action="project.retender", actor=actor, organization=project.purchaser,
                 obj=new, detail={"of": project.code, "lots": [lot.number for lot in failed]},
                 ip=ip, now=now)
    return new


def _sme_terms_again(lot: Lot, project: Project) -> dict:
    """The SME terms of a failed lot for its re-tender: the same, except that a reserved
    lot stopped for too few SMEs goes unreserved with that reason (46号 第10条)."""
    terms = {"sme_reservation": lot.sme_reservation, "reserved_share": lot.reserved_share,
             "reserved_small_micro_share": lot.reserved_small_micro_share,
             "not_reserved_reason": lot.not_reserved_reason,
             "not_reserved_detail": lot.not_reserved_detail,
             "sme_deduction": lot.sme_deduction,
             "sme_consortium_deduction": lot.sme_consortium_deduction}
    if lot.sme_stopped:
        terms.update(sme_reservation=Lot.Reservation.NONE, reserved_share=None,
                     reserved_small_micro_share=None,
                     not_reserved_reason=Lot.NotReservedReason.TOO_FEW_SMES,
                     not_reserved_detail=f"{project.code}第{lot.number}包：{lot.failure_reason}")
    return terms


@records_refusals()
@transaction.atomic
def project_submit(*, project: Project, actor, now=None, ip=None) -> Project:
    now = now or timezone.now()
    if not may_act(actor, project, (Membership.Role.OFFICER, Membership.Role.ADMIN)):
        raise PermissionDenied()
    _step(project, P.SUBMITTED, actor=actor, now=now, ip=ip)
    return project


@records_refusals("project.approve_refused")
@transaction.atomic
def project_approve(*, project: Project, actor, now=None, ip=None) -> Project:
    """不相容岗位分离: the approver is another person than the drafter, with the
    approver's role in the purchasing unit."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor.pk == project.drafted_by_id:
        raise RuleViolation(_("Whoever drafted a project may not approve it: another officer "
                              "with the approver's role must."), code="separation_of_duties",
                            basis=SEPARATION_BASIS)
    require_role(actor, project.purchaser, Membership.Role.APPROVER, Membership.Role.LEADER)
    if project.status == P.BUREAU_REVIEW:  # the bureau's to decide now (法 第27条)
        from .approvals import bureau_wait_refusal

        raise bureau_wait_refusal(project)
    project.approved_by, project.approved_at = actor, now
    # Another method above the threshold, or a change of method: the finance bureau
    # approves it (services.approvals); the project waits for it.
    from .approvals import bureau_refer

    if bureau_refer(project=project, actor=actor, now=now, ip=ip) is None:
        _step(project, P.APPROVED, actor=actor, now=now, ip=ip,
              update_fields=["approved_by", "approved_at"])
    return project


@records_refusals()
@transaction.atomic
def project_return(*, project: Project, actor, reason: str, now=None, ip=None) -> Project:
    now = now or timezone.now()
    require_role(actor, project.purchaser, Membership.Role.APPROVER, Membership.Role.LEADER)
    if len((reason or "").strip()) < 2:
        raise DomainError(_("Say what must change."), field="reason")
    _step(project, P.DRAFT, actor=actor, now=now, reason=reason, ip=ip)
    return project


@records_refusals("project.announce_refused")
@transaction.atomic
def project_announce(*, project: Project, actor, documents_from: dt.datetime,
                     documents_until: dt.datetime, bid_deadline: dt.datetime, now=None,
                     ip=None) -> Announcement:
    """Publish the tender announcement with every field 87号令 第13条 requires.

    1. the procurement intention went public at least 30 days ago;
    2. the bid deadline respects the method's minimum period, and the
       documents stay available long enough — free of charge (春风行动 19);
    3. lots open for bidding; the announcement goes on the public pages.
    """
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not may_act(actor, project, (Membership.Role.OFFICER, Membership.Role.ADMIN)):
        raise PermissionDenied()
    if project.status != P.APPROVED:
        raise InvalidTransition(_("Only an approved project can be announced."))
    check_intention(intention=project.demand.intention, now=now)
    check_drawn(project)  # 邀请招标: the invited are drawn first (法 第34条)
    check_periods(method=project.method, documents_from=documents_from,
                  documents_until=documents_until, bid_deadline=bid_deadline, now=now)
    project.documents_from, project.documents_until = documents_from, documents_until
    project.bid_deadline, project.announced_at = bid_deadline, now
    _step(project, P.ANNOUNCED, actor=actor, now=now, ip=ip,
          detail={"bid_deadline": bid_deadline.isoformat()},
          update_fields=["documents_from", "documents_until", "bid_deadline", "announced_at"])
    for lot in project.lots.all():
        lot.wrapped_key = new_lot_key()  # this lot's data key, wrapped (procurement.sealing)
        transition(lot, Lot.Status.BIDDING, table=steps.LOT, actor=actor, now=now,
                   update_fields=["wrapped_key"])
    _schedule_opening(project)
    if project.method == Project.Method.SINGLE_SOURCE:  # 单一来源采购公示 (条例 第38条)
        from .single_source import publicity_publish

        return publicity_publish(project=project, now=now)
    title, body, fields = render_tender(project)
    announcement = Announcement.objects.create(project=project, kind=Announcement.Kind.TENDER,
                                               title=title, body=body, fields=fields,
                                               published_at=now)
    invitations_send(project, announcement, now=now)  # 邀请招标: the 投标邀请书
    return announcement


@records_refusals()
@transaction.atomic
def announcement_clarify(*, project: Project, actor, text: str, affects_bids: bool,
                         now=None, ip=None) -> Announcement:
    """A clarification or amendment; one affecting bids too close to the deadline moves
    the deadline (条例 第31条; 87号令 第27条)."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not may_act(actor, project, (Membership.Role.OFFICER, Membership.Role.ADMIN)):
        raise PermissionDenied()
    if project.status != P.ANNOUNCED or now >= project.bid_deadline:
        raise InvalidTransition(_("Clarifications are published while bidding is open."))
    if len((text or "").strip()) < 5:
        raise DomainError(_("Write the clarification."), field="text")
    new_deadline, rule_used = (None, None)
    if affects_bids:
        new_deadline, rule_used = clarification_deadline(
            bid_deadline=project.bid_deadline, now=now, method=project.method)
    if new_deadline:
        project.bid_deadline = new_deadline
        project.documents_until = max(project.documents_until, new_deadline)
        project.save(update_fields=["bid_deadline", "documents_until"])
        _schedule_opening(project)  # the task for the old deadline will find nothing due
    title, body, fields = render_clarification(project, text, new_deadline, rule_used,
                                               now=now)
    announcement = Announcement.objects.create(
        project=project, kind=Announcement.Kind.CLARIFICATION, title=title, body=body,
        fields=fields, published_at=now, moves_deadline_to=new_deadline)
    holders = [d.supplier for d in project.downloads.select_related("supplier")]
    people = [m.user for m in Membership.objects.filter(
        organization__in=holders, is_active=True,
        role__in=[Membership.Role.ADMIN, Membership.Role.OFFICER]).select_related("user")]
    moved = (f"投标截止时间顺延至{timezone.localtime(new_deadline):%Y-%m-%d %H:%M}。"
             if new_deadline else "")
    notify(event_key=f"clarification:{announcement.pk}", recipients=people,
           category="procurement.clarification", subject=title,
           body=f"【春风政采】您已获取采购文件的项目“{project.title}”发布了澄清或修改。{moved}"
                f"请登录平台查看。", link=announcement.get_absolute_url(), now=now)
    audit_record(action="announcement.clarify", actor=actor, organization=project.purchaser,
                 obj=project, detail={"moves_deadline_to": new_deadline.isoformat()
                                      if new_deadline else None}, ip=ip, now=now)
    return announcement


@records_refusals()
@transaction.atomic
def project_cancel(*, project: Project, actor, reason: str, now=None, ip=None) -> Project:
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_role(actor, project.purchaser, Membership.Role.APPROVER, Membership.Role.LEADER,
                 Membership.Role.ADMIN)
    if len((reason or "").strip()) < 5:
        raise DomainError(_("Give the reason for cancelling."), field="reason")
    announced = project.status not in (P.DRAFT, P.SUBMITTED, P.BUREAU_REVIEW, P.APPROVED)
    project.cancel_reason = reason
    _step(project, P.CANCELLED, actor=actor, now=now, reason=reason, ip=ip,
          update_fields=["cancel_reason"])
    # Each lot still undecided leaves its own row; an awarded or failed lot stays so. The
    # lots are locked first: a bid in flight (FOR KEY SHARE, bidding._lot_for_bidding)
    # commits before the cancellation, whose notice then reaches its bidder.
    for lot in project.lots.select_for_update(of=("self",)).order_by("number"):
        if steps.LOT.can(lot, "cancel"):
            transition(lot, Lot.Status.CANCELLED, table=steps.LOT, actor=actor, now=now,
                       reason=reason)
    if announced:
        title, body, fields = render_cancellation(project=project, reason=reason)
        Announcement.objects.create(project=project, kind=Announcement.Kind.CANCELLATION,
                                    title=title, body=body, fields=fields, published_at=now)
    return project
