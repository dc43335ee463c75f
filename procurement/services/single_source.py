"""单一来源 (法 第31条; 条例 第38条; 74号令 第38–43条), step by step.

1. ``single_source_setup`` (from ``project_create``): the supplier named, the case of
   法 第31条, the experts' names and opinion; the supplier is invited (``Invitation``
   NAMED), so only it obtains the documents and responds (``bidding.check_invited``).
2. ``project_announce`` publishes, for a single source, the 单一来源采购公示
   (``publicity_publish``) instead of a tender notice: the fields of 条例 第38条 and a
   publicity of at least 5 working days; the response deadline comes after it.
3. ``objection_file``: while the publicity runs a supplier may object, with reasons;
   ``objection_decide``: the purchaser or agency decides in writing — upheld, the single
   source stops (the lots fail: the method must change, ``check_retender``); dismissed,
   it goes on. The objector is told.
4. The named supplier's response is the sealed bid, opened at the deadline (one
   suffices); the panel (协商小组) is drawn as committees are (``committee_draw``).
5. ``single_source_negotiate``: the chair writes the record — the points negotiated and the
   agreed price, within the lot's budget (74号令 第43条) — once the publicity has ended
   and every objection is decided (条例 第38条). ``single_source_sign``: each member signs
   (74号令 第42条; a member who disagrees signs with its dissent). The last signature
   concludes: the agreed price becomes the bid's price — the award amount of
   ``award_confirm`` — the sealed price kept on the record and in the result's notes;
   the bid is ranked first and the purchaser's ``award.confirm`` clock starts.
"""

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_open
from notifications.services import notify
from rules.registry import rule
from workdays.services import add_workdays

from .. import steps, uploads
from ..announcements import METHOD_ZH, party
from ..models import (
    Announcement,
    Bid,
    Committee,
    CommitteeMember,
    EvaluationResult,
    Invitation,
    Lot,
    MethodApproval,
    Objection,
    Project,
    SingleSource,
    SingleSourceNegotiation,
    SingleSourceSignature,
)
from ..rules import bureau_approval_needed
from .approvals import approval_request, bureau_approved
from .bidding import Upload
from .opening import lot_fail
from .projects import may_act, project_settle

CASE_ZH = {SingleSource.Case.ONLY: "只能从唯一供应商处采购（政府采购法第三十一条第一项）",
           SingleSource.Case.EMERGENCY:
               "发生了不可预见的紧急情况不能从其他供应商处采购（政府采购法第三十一条第二项）",
           SingleSource.Case.ADDITION:
               "必须保证原有采购项目一致性或者服务配套的要求，需要继续从原供应商处添购，"
               "且添购资金总额不超过原合同采购金额百分之十（政府采购法第三十一条第三项）"}
ORGANISERS = (Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.APPROVER,
              Membership.Role.LEADER)


def _organiser(user, project: Project, roles=ORGANISERS) -> bool:
    return may_act(user, project, roles)


# --- 1. with the project ------------------------------------------------------------

def single_source_setup(*, project: Project, actor, supplier, case: str, experts: str,
                        experts_opinion: str, now) -> SingleSource:
    """Called by ``project_create`` for a single-source project (inside its transaction)."""
    basis = rule("single_source.publicity").basis
    if supplier is None or getattr(supplier, "kind", None) != Organization.Kind.SUPPLIER:
        raise RuleViolation(_("Name the single supplier: a registered supplier."),
                            code="single_source_supplier", basis="法 第31条",
                            field="single_source_supplier")
    if case not in SingleSource.Case.values:
        raise RuleViolation(_("Say which case of 法 第31条 allows the single source."),
                            code="single_source_case", basis="法 第31条",
                            field="single_source_case")
    if not (experts or "").strip():
        raise RuleViolation(_("Name the experts who gave their opinion."),
                            code="single_source_experts", basis=basis, field="experts")
    if len((experts_opinion or "").strip()) < 10:
        raise RuleViolation(_("Write the experts' opinion on why only this supplier can supply "
                              "it."), code="single_source_opinion", basis=basis,
                            field="experts_opinion")
    record = SingleSource.objects.create(project=project, supplier=supplier, case=case,
                                         experts=experts.strip(),
                                         experts_opinion=experts_opinion.strip())
    Invitation.objects.create(project=project, supplier=supplier,
                              source=Invitation.Source.NAMED, invited_by=actor, invited_at=now)
    return record


def check_retender(project: Project, method: str) -> None:
    """A single source stopped by an upheld objection is procured again by another
    method (条例 第38条)."""
    if (project.method == Project.Method.SINGLE_SOURCE and method == project.method
            and project.objections.filter(status=Objection.Status.UPHELD).exists()):
        raise RuleViolation(_("An objection to the single source was upheld: procure it again "
                              "by another method."), code="single_source_stopped",
                            basis=rule("single_source.objections").basis, field="method")


# --- 2. the publicity ---------------------------------------------------------------

def publicity_end(start: dt.datetime) -> dt.datetime:
    """The end of the publicity's last working day (the start day not counted)."""
    r = rule("single_source.publicity")
    last = add_workdays(timezone.localtime(start).date(), int(r.amount))
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


def publicity_publish(*, project: Project, now) -> Announcement:
    """Called by ``project_announce`` for a single source, after its checks: the
    publicity with the fields of 条例 第38条; the response deadline after its end."""
    record = project.single_source
    r = rule("single_source.publicity")
    until = publicity_end(now)
    if project.bid_deadline < until:
        raise RuleViolation(
            _("The response deadline must be after the publicity ends (%(until)s): "
              "%(value)s of publicity."),
            params={"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
                    "value": r.display_value()},
            code="before_publicity_end", basis=r.basis, field="bid_deadline")
    record.publicity_from, record.publicity_until = now, until
    record.save(update_fields=["publicity_from", "publicity_until"])
    finance = Organization.objects.filter(kind=Organization.Kind.FINANCE,
                                          is_active=True).order_by("pk").first()
    supplier = record.supplier

    def contact(org):
        return (f"{org.name}；地址：{org.address}；联系人：{org.contact_name}；"
                f"电话：{org.contact_phone}") if org else "—"

    lots = list(project.lots.prefetch_related("items"))
    lines = [
        f"项目编号：{project.code}", f"项目名称：{project.title}",
        f"采购方式：{METHOD_ZH[project.method]}",
        f"预算金额：{sum(lot.budget for lot in lots):,.2f}元", "",
        "一、采购内容",
        *[f"  第{lot.number}包 {lot.title}：预算{lot.budget:,.2f}元；"
          + "、".join(f"{i.name}{i.quantity.normalize():f}{i.unit}" for i in lot.items.all())
          for lot in lots],
        f"  技术要求：{project.demand.technical_requirements}", "",
        "二、采用单一来源采购方式的原因及说明",
        f"  {CASE_ZH[record.case]}",
        f"  {project.method_justification}", "",
        "三、拟定的唯一供应商",
        f"  名称：{supplier.name}", f"  地址：{supplier.address}", "",
        "四、专业人员论证意见",
        f"  专业人员：{record.experts}", f"  论证意见：{record.experts_opinion}", "",
        "五、公示期限",
        f"  {timezone.localtime(now):%Y年%m月%d日 %H:%M} 至 "
        f"{timezone.localtime(until) - dt.timedelta(seconds=1):%Y年%m月%d日 %H:%M}"
        f"（不少于{r.display_value()}，{r.basis}）",
        "  任何供应商、单位或者个人对采用单一来源采购方式有异议的，可以在公示期内"
        "登录春风政采平台在线提出异议，并说明理由。", "",
        "六、联系方式",
        f"  采购人：{contact(project.purchaser)}",
        *([f"  采购代理机构：{contact(project.agency)}"] if project.agency else []),
        f"  财政部门：{contact(finance)}",
        f"  项目联系人：{project.contact_name}；电话：{project.contact_phone}",
    ]
    fields = {
        "project_code": project.code, "project_name": project.title,
        "purchaser": party(project.purchaser), "agency": party(project.agency),
        "method": project.method, "budget": str(sum(lot.budget for lot in lots)),
        "supplier": {"name": supplier.name, "address": supplier.address},
        "case": record.case, "reasons": project.method_justification,
        "experts": record.experts, "experts_opinion": record.experts_opinion,
        "publicity_from": now.isoformat(), "publicity_until": until.isoformat(),
        "bid_deadline": project.bid_deadline.isoformat(), "basis": r.basis,
        "finance_bureau": party(finance),
    }
    return Announcement.objects.create(
        project=project, kind=Announcement.Kind.SINGLE_SOURCE,
        title=f"{project.purchaser.name}{project.title}单一来源采购公示", body="\n".join(lines),
        fields=fields, published_at=now)


# --- 3. objections ------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def objection_file(*, project: Project, supplier: Organization, actor, reasons: str,
                   attachment: Upload | None = None, now=None, ip=None) -> Objection:
    """A supplier objects to the single source while its publicity runs (条例 第38条)."""
    now = now or timezone.now()
    basis = rule("single_source.objections").basis
    if supplier.kind != Organization.Kind.SUPPLIER or not Membership.objects.filter(
            user=actor, organization=supplier, is_active=True).exists():
        raise PermissionDenied(_("A supplier's staff file an objection."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    record = getattr(project, "single_source", None)
    if (record is None or record.publicity_from is None
            or project.status != Project.Status.ANNOUNCED):
        raise InvalidTransition(_("Only a single source under publicity takes objections."))
    if now >= record.publicity_until:
        raise RuleViolation(_("The publicity ended on %(until)s: objections are filed while "
                              "it runs."),
                            params={"until": timezone.localtime(record.publicity_until)
                                    .strftime("%Y-%m-%d %H:%M")},
                            code="publicity_over", basis=basis)
    if len((reasons or "").strip()) < 10:
        raise DomainError(_("Say why the single source is wrong (at least 10 characters)."),
                          field="reasons")
    objection = Objection(project=project, supplier=supplier, filed_by=actor, filed_at=now,
                          reasons=reasons.strip())
    if attachment is not None:
        kind = uploads.check(attachment.name, attachment.data, field="attachment")
        if kind not in ("pdf", "png", "jpeg"):
            raise DomainError(_("Upload a PDF or an image."), field="attachment")
        objection.attachment_name = attachment.name[:200]
        objection.attachment.save("objection.bin", ContentFile(attachment.data), save=False)
    try:
        objection.save()
        audit_record(action="objection.file", actor=actor, organization=supplier, obj=project,
                     detail={"objection": objection.pk, "sha256": hashlib.sha256(
                         attachment.data).hexdigest() if attachment else ""}, ip=ip, now=now)
    except BaseException:
        if objection.attachment:
            objection.attachment.storage.delete(objection.attachment.name)
        raise
    organisers = [m.user for m in Membership.objects.filter(
        organization__in=[project.purchaser, *([project.agency] if project.agency else [])],
        is_active=True, role__in=ORGANISERS).select_related("user")]
    notify(event_key=f"objection:{objection.pk}:filed", recipients=organisers,
           category="procurement.objection", subject=f"单一来源异议：{project.title}",
           body=f"【春风政采】{supplier.name}对“{project.title}”的单一来源采购公示提出异议，"
                f"请书面处理（{basis}）。", link=project.get_absolute_url(), now=now)
    return objection


@records_refusals()
@transaction.atomic
def objection_decide(*, objection: Objection, actor, decision: str, reason: str, now=None,
                     ip=None) -> Objection:
    """The purchaser or agency decides an objection in writing. Upheld: the single
    source stops — its lots fail with the reason, and the method must change
    (``check_retender``). Dismissed: it goes on. The objector is told either way."""
    now = now or timezone.now()
    objection = Objection.objects.select_for_update().select_related(
        "project", "supplier").get(pk=objection.pk)
    project = objection.project
    if not _organiser(actor, project):
        raise PermissionDenied()
    if objection.status != Objection.Status.PENDING:
        raise InvalidTransition(_("This objection has been decided already."))
    if decision not in (Objection.Status.UPHELD, Objection.Status.DISMISSED):
        raise DomainError(_("Uphold or dismiss the objection."), field="decision")
    if len((reason or "").strip()) < 5:
        raise DomainError(_("Write the decision and its reasons: the objector reads them."),
                          field="reason")
    objection.status, objection.decided_by, objection.decided_at = decision, actor, now
    objection.decision = reason.strip()
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision"])
    basis = rule("single_source.objections").basis
    audit_record(action=f"objection.{decision}", actor=actor, organization=project.purchaser,
                 obj=project, detail={"objection": objection.pk, "reason": reason}, ip=ip,
                 now=now)
    people = [m.user for m in objection.supplier.memberships.filter(is_active=True)
              .select_related("user")]
    verdict = "成立，本项目单一来源采购终止" if decision == "upheld" else "不成立，采购活动继续"
    notify(event_key=f"objection:{objection.pk}:decided", recipients=people,
           category="procurement.objection", subject=f"异议处理结果：{project.title}",
           body=f"【春风政采】贵单位对“{project.title}”单一来源采购公示提出的异议经审查"
                f"{verdict}。理由：{objection.decision}", link=project.get_absolute_url(),
           now=now)
    if decision == Objection.Status.UPHELD:
        for lot in Lot.objects.select_for_update().filter(
                project=project, status__in=[Lot.Status.BIDDING, Lot.Status.OPENED]):
            lot_fail(lot=lot, basis=basis, detail={"objection": objection.pk}, now=now,
                     actor=actor, reason=f"单一来源采购公示期间的异议成立（{basis}）："
                                         f"{objection.decision}。应当变更采购方式。")
    return objection


# --- 5. the negotiation -------------------------------------------------------------

def _check_publicity_settled(project: Project, now, *, running) -> None:
    """The publicity has ended (else ``running``, the refusal's message) and every
    objection is decided (条例 第38条)."""
    record = project.single_source
    basis = rule("single_source.objections").basis
    if record.publicity_until is None or now < record.publicity_until:
        raise RuleViolation(running, code="publicity_running", basis=basis)
    if project.objections.filter(status=Objection.Status.PENDING).exists():
        raise RuleViolation(_("Decide every objection to the publicity first."),
                            code="objections_pending", basis=basis)


def _check_negotiation_may_start(project: Project, now) -> None:
    _check_publicity_settled(
        project, now, running=_("The negotiation starts after the publicity ends."))
    if not bureau_approved(project):  # 条例 第38条: reported after the publicity
        raise RuleViolation(
            _("The finance bureau approves this single source after its publicity: report "
              "the publicity to it and wait for its approval before negotiating."),
            code="awaits_finance_bureau",
            basis=f"{bureau_approval_needed(project)[1].basis}; 条例 第38条")


@records_refusals("single_source.report_refused")
@transaction.atomic
def single_source_report(*, project: Project, actor, now=None, ip=None) -> MethodApproval:
    """Report the single source to the finance bureau for approval once its publicity has
    ended and every objection is decided, with the publicity's outcome (条例 第38条: the
    publicity comes before the report, and its outcome goes with it). Only where the
    method needs the bureau's approval (法 第27条; a change of method, 87号令 第43条)."""
    now = now or timezone.now()
    # Locked, so that a double-click reports once.
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not _organiser(actor, project):
        raise PermissionDenied()
    needed = bureau_approval_needed(project)
    if needed is None or project.method != Project.Method.SINGLE_SOURCE:
        raise InvalidTransition(_("This project needs no approval of the finance bureau."))
    if project.status not in (Project.Status.ANNOUNCED, Project.Status.OPENED,
                              Project.Status.EVALUATING):
        raise InvalidTransition(_("The single source is reported after its publicity."))
    if project.method_approvals.exclude(status=MethodApproval.Status.REFUSED).exists():
        raise InvalidTransition(_("The single source has been reported already."))
    _check_publicity_settled(
        project, now,
        running=_("The single source is reported to the finance bureau after its publicity "
                  "ends."))
    kind, r = needed
    record = project.single_source
    decided = list(project.objections.order_by("filed_at"))
    outcome = (f"公示期：{timezone.localtime(record.publicity_from):%Y-%m-%d %H:%M} 至 "
               f"{timezone.localtime(record.publicity_until):%Y-%m-%d %H:%M}；"
               + (f"收到异议{len(decided)}件：" + "；".join(
                   f"{o.supplier.name}（{o.get_status_display()}：{o.decision}）"
                   for o in decided) if decided else "公示期内未收到异议") + "。")
    return approval_request(
        project=project, kind=kind, basis=f"{r.basis}; 条例 第38条",
        reasons=f"{project.method_justification.strip()}\n\n{outcome}", actor=actor,
        now=now, ip=ip)


@records_refusals("single_source.negotiate_refused")
@transaction.atomic
def single_source_negotiate(*, lot: Lot, actor, points: str, agreed_price: Decimal, now=None,
                       ip=None) -> SingleSourceNegotiation:
    """The panel's chair writes the record: the points negotiated and the agreed price
    (74号令 第42条); rewritten until someone has signed."""
    now = now or timezone.now()
    lot = Lot.objects.select_for_update(of=("self",)).select_related(
        "project", "project__single_source").get(pk=lot.pk)
    project = lot.project
    if project.method != Project.Method.SINGLE_SOURCE:
        raise InvalidTransition(_("Only a single source is negotiated this way."))
    committee = Committee.objects.filter(lot=lot).first()
    if committee is None or not CommitteeMember.objects.filter(
            committee=committee, expert=actor, role=CommitteeMember.Role.CHAIR).exists():
        raise PermissionDenied(_("The panel's chair writes the negotiation record."))
    if lot.status != Lot.Status.OPENED:
        raise InvalidTransition(_("The negotiation follows the opening of the response."))
    _check_negotiation_may_start(project, now)
    bid = Bid.objects.filter(lot=lot, status=Bid.Status.OPENED,
                             supplier=project.single_source.supplier).first()
    if bid is None:
        raise InvalidTransition(_("The named supplier's response has not been opened."))
    if len((points or "").strip()) < 10:
        raise DomainError(_("Write what was negotiated: costs, prices of similar contracts, "
                            "the main terms."), field="points")
    within = rule("single_source.within_budget")
    limit = min(lot.budget, lot.ceiling_price or lot.budget)
    if agreed_price is None or agreed_price <= 0 or agreed_price > limit:
        raise RuleViolation(_("The agreed price must be more than zero and at most the lot's "
                              "budget (%(limit)s yuan)."), params={"limit": f"{limit:,.2f}"},
                            code="over_budget", basis=within.basis, field="agreed_price")
    negotiation = SingleSourceNegotiation.objects.filter(lot=lot).first()
    if negotiation and negotiation.signatures.exists():
        raise InvalidTransition(_("The record has been signed: it cannot be changed."))
    if negotiation is None:
        negotiation = SingleSourceNegotiation(lot=lot, bid=bid, sealed_price=bid.price)
    negotiation.points, negotiation.agreed_price = points.strip(), agreed_price
    negotiation.recorded_by, negotiation.recorded_at = actor, now
    negotiation.save()
    audit_record(action="single_source.record", actor=actor, organization=project.purchaser,
                 obj=lot, detail={"agreed_price": agreed_price, "sealed_price": bid.price},
                 ip=ip, now=now)
    return negotiation


@records_refusals("single_source.sign_refused")
@transaction.atomic
def single_source_sign(*, negotiation: SingleSourceNegotiation, expert, dissent: str = "",
                       now=None, ip=None) -> SingleSourceSignature:
    """A member of the panel signs the record (74号令 第42条: one who disagrees signs its
    dissent with reasons). The last signature concludes the negotiation."""
    now = now or timezone.now()
    negotiation = SingleSourceNegotiation.objects.select_for_update().select_related(
        "lot", "lot__project", "bid").get(pk=negotiation.pk)
    lot = negotiation.lot
    members = set(CommitteeMember.objects.filter(committee__lot=lot)
                  .values_list("expert_id", flat=True))
    if expert.pk not in members:
        raise PermissionDenied(_("Only the panel's members sign the record."))
    if negotiation.concluded_at or negotiation.signatures.filter(expert=expert).exists():
        raise InvalidTransition(_("You have signed this record already."))
    signature = SingleSourceSignature.objects.create(negotiation=negotiation, expert=expert,
                                                    signed_at=now, dissent=dissent.strip())
    audit_record(action="single_source.sign", actor=expert, organization=lot.project.purchaser,
                 obj=lot, detail={"dissent": bool(dissent.strip())}, ip=ip, now=now)
    if set(negotiation.signatures.values_list("expert_id", flat=True)) >= members:
        _conclude(negotiation, actor=expert, now=now)
    return signature


def _conclude(negotiation: SingleSourceNegotiation, *, actor, now) -> None:
    """Every member has signed: the agreed price is the bid's price (the award amount),
    the bid first-ranked, the lot under evaluation, the purchaser's clock started."""
    lot, bid = negotiation.lot, Bid.objects.select_for_update().get(pk=negotiation.bid_id)
    project = lot.project
    negotiation.concluded_at = now
    negotiation.save(update_fields=["concluded_at"])
    bid.price = negotiation.agreed_price
    bid.save(update_fields=["price"])
    transition(lot, Lot.Status.EVALUATING, table=steps.LOT, actor=actor, now=now)
    transition(bid, Bid.Status.QUALIFIED, table=steps.BID, actor=actor, now=now)
    transition(bid, Bid.Status.SCORED, table=steps.BID, actor=actor, now=now)
    basis = rule("single_source.negotiation_record").basis
    EvaluationResult.objects.create(
        bid=bid, evaluated_price=negotiation.agreed_price, deduction=Decimal("0"),
        price_score=Decimal("0"), other_score=Decimal("0"), total=Decimal("0"), rank=1,
        candidate=True, notes=[f"单一来源协商成交价{negotiation.agreed_price}元，"
                               f"响应报价{negotiation.sealed_price}元（{basis}）"])
    Committee.objects.filter(lot=lot).update(report_at=now)
    audit_record(action="single_source.conclude", actor=actor, organization=project.purchaser,
                 obj=lot, detail={"agreed_price": negotiation.agreed_price}, now=now)
    deadline_open(subject=lot, clock="award.confirm", organization=project.purchaser,
                  start=now, now=now, actor=actor)
    project_settle(project=project, now=now, actor=actor)
