"""The finance bureau's approval of a procurement method (法 第27条; 条例 第23条;
87号令 第43条 for a change of method after a failed tender).

``project_approve`` refers a project that needs it (``rules.bureau_approval_needed``):
the project waits in ``bureau_review`` with a ``MethodApproval`` request carrying the
purchaser's reasons and its attachments. Finance-bureau staff approve it (the project
is approved and may start) or refuse it with a reason (back to draft: the purchaser
revises and submits again). The purchaser's own approver cannot approve past it.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import rule

from .. import steps, uploads
from ..models import Lot, MethodApproval, MethodAttachment, Project
from ..rules import bureau_approval_needed
from .bidding import Upload

P = Project.Status
# Finance-bureau staff who decide: its officers, approvers and leaders (an administrator
# alone manages accounts, not procurement).
DECIDERS = (Membership.Role.OFFICER, Membership.Role.APPROVER, Membership.Role.LEADER)
# While the project is still the purchaser's to change or waits for a decision.
ATTACHABLE = (P.DRAFT, P.SUBMITTED, P.BUREAU_REVIEW)


def is_bureau_decider(user) -> bool:
    return Membership.objects.filter(user=user, organization__kind=Organization.Kind.FINANCE,
                                     role__in=DECIDERS, is_active=True).exists()


def bureau_wait_refusal(project: Project) -> RuleViolation:
    """The refusal a purchaser meets when it tries to approve past the finance bureau."""
    approval = project.method_approvals.filter(status=MethodApproval.Status.PENDING).first()
    basis = approval.basis if approval else bureau_approval_needed(project)[1].basis
    return RuleViolation(_("The finance bureau approves this method: the project waits for "
                           "its decision."), code="awaits_finance_bureau", basis=basis)


def check_change_reason(project: Project, method: str, justification: str) -> None:
    """A change of method after a failed tender gives its reasons, which the finance
    bureau decides on (87号令 第43条)."""
    if method != project.method and not (justification or "").strip():
        raise RuleViolation(_("Give the reasons for changing the method: the finance bureau "
                              "decides on them."), code="method_needs_reason",
                            basis=rule("method.change_approval").basis,
                            field="method_justification")


def bureau_refer(*, project: Project, actor, now, ip=None) -> MethodApproval | None:
    """Called by ``project_approve`` inside its transaction: when the method needs the
    finance bureau, take the ``refer`` step and raise the request; else ``None``.

    A single source is not referred here: 条例 第38条 has its publicity run *before* the
    report to the finance bureau, and the publicity's outcome go with the report
    (``single_source.single_source_report``); the negotiation waits for the approval."""
    needed = bureau_approval_needed(project)
    if needed is None or project.method == Project.Method.SINGLE_SOURCE:
        return None
    kind, r = needed
    reasons = project.method_justification.strip()
    if not reasons:
        raise RuleViolation(_("Give the reasons for the method: the finance bureau decides on "
                              "them."), code="method_needs_reason", basis=r.basis,
                            field="method_justification")
    transition(project, P.BUREAU_REVIEW, table=steps.PROJECT, actor=actor, now=now,
               reason=r.basis, update_fields=["approved_by", "approved_at"])
    return approval_request(project=project, kind=kind, basis=r.basis, reasons=reasons,
                            actor=actor, now=now, ip=ip)


def approval_request(*, project: Project, kind: str, basis: str, reasons: str, actor, now,
                     ip=None) -> MethodApproval:
    """Raise the request to the finance bureau, record it and tell its deciders."""
    approval = MethodApproval.objects.create(
        project=project, kind=kind, method=project.method, basis=basis, reasons=reasons,
        requested_by=actor, requested_at=now)
    audit_record(action="method_approval.request", actor=actor,
                 organization=project.purchaser, obj=approval,
                 detail={"project": project.code, "kind": kind, "method": project.method,
                         "basis": basis}, ip=ip, now=now)
    staff = [m.user for m in Membership.objects.filter(
        organization__kind=Organization.Kind.FINANCE, role__in=DECIDERS, is_active=True)
        .select_related("user")]
    notify(event_key=f"method-approval:{approval.pk}:request", recipients=staff,
           category="procurement.method_approval",
           subject=f"采购方式审批：{project.title}",
           body=f"【春风政采】{project.purchaser.name}申请“{project.title}”采用"
                f"{project.get_method_display()}（{basis}），请在监管工作台审批。",
           link=approval.get_absolute_url(), now=now)
    return approval


def bureau_approved(project: Project) -> bool:
    """Whether the finance bureau's approval the method needs, if any, has been given."""
    if bureau_approval_needed(project) is None:
        return True
    return project.method_approvals.filter(status=MethodApproval.Status.APPROVED).exists()


def _purchaser_people(project: Project):
    orgs = [project.purchaser, *([project.agency] if project.agency else [])]
    people = {m.user.pk: m.user for m in Membership.objects.filter(
        organization__in=orgs, is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.APPROVER,
                  Membership.Role.LEADER]).select_related("user")}
    people.setdefault(project.drafted_by_id, project.drafted_by)
    return list(people.values())


@records_refusals("method_approval.decide_refused")
@transaction.atomic
def method_approval_decide(*, approval: MethodApproval, actor, decision: str,
                           reason: str = "", now=None, ip=None) -> MethodApproval:
    """The finance bureau decides a request.

    1. only finance-bureau staff with a deciding role (no purchaser, agency or
       supplier: the purchaser's own approver has had its say);
    2. a request is decided once, while the project waits for it;
    3. approve: the project is approved and may start; refuse: the reason is required
       and the project goes back to draft, the reason shown to the purchaser;
    4. the purchaser is told, the act audited."""
    now = now or timezone.now()
    if not is_bureau_decider(actor):
        raise PermissionDenied(_("Only the finance bureau approves a procurement method."))
    approval = MethodApproval.objects.select_for_update().select_related(
        "project", "project__purchaser").get(pk=approval.pk)
    project = Project.objects.select_for_update().get(pk=approval.project_id)
    # A single source is reported after its publicity (条例 第38条): the project is
    # announced meanwhile, and only its negotiation waits for the decision.
    after_publicity = project.method == Project.Method.SINGLE_SOURCE and \
        project.status in (P.ANNOUNCED, P.OPENED, P.EVALUATING)
    if approval.status != MethodApproval.Status.PENDING or not (
            project.status == P.BUREAU_REVIEW or after_publicity):
        raise InvalidTransition(_("This request has been decided already."))
    reason = (reason or "").strip()
    if decision == "approve":
        target, status = P.APPROVED, MethodApproval.Status.APPROVED
    elif decision == "refuse":
        if len(reason) < 5:
            raise DomainError(_("Say why the method is refused: the purchaser reads it."),
                              code="reason_required", field="reason")
        target, status = P.DRAFT, MethodApproval.Status.REFUSED
    else:
        raise DomainError(_("Approve or refuse."), field="decision")
    approval.status, approval.decided_by, approval.decided_at = status, actor, now
    approval.decision_reason = reason
    approval.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if after_publicity:
        if decision == "refuse":  # the single source may not go on: its lots fail
            from .opening import lot_fail

            for lot in project.lots.order_by("number"):
                if steps.LOT.allows(lot, Lot.Status.FAILED):
                    lot_fail(lot=lot, reason=f"财政部门未批准采用单一来源采购方式：{reason}",
                             basis=approval.basis, detail={"method_approval": approval.pk},
                             now=now, actor=actor)
    else:
        if target == P.DRAFT:  # the purchaser's approval starts again after the revision
            project.approved_by, project.approved_at = None, None
        transition(project, target, table=steps.PROJECT, actor=actor, now=now,
                   reason=reason or approval.basis,
                   update_fields=["approved_by", "approved_at"])
    bureau = Membership.objects.filter(user=actor, organization__kind=Organization.Kind.FINANCE,
                                       is_active=True).select_related("organization").first()
    audit_record(action=f"method_approval.{decision}", actor=actor,
                 organization=bureau.organization if bureau else None, obj=approval,
                 detail={"project": project.code, "reason": reason, "basis": approval.basis},
                 ip=ip, now=now)
    verdict = "已批准" if decision == "approve" else f"未予批准，理由：{reason}"
    notify(event_key=f"method-approval:{approval.pk}:{decision}",
           recipients=_purchaser_people(project), category="procurement.method_approval",
           subject=f"采购方式审批结果：{project.title}",
           body=f"【春风政采】财政部门对“{project.title}”采用{project.get_method_display()}"
                f"的申请{verdict}。",
           link=project.get_absolute_url(), now=now)
    return approval


@records_refusals("method_attachment.add_refused")
@transaction.atomic
def method_attachment_add(*, project: Project, actor, purpose: str, upload: Upload,
                          now=None, ip=None) -> MethodAttachment:
    """The purchaser's file for the method: its reasons, or the experts' opinion of a
    single source. Checked by content (``uploads.check``), kept in private storage."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    orgs = [project.purchaser, *([project.agency] if project.agency else [])]
    if not Membership.objects.filter(user=actor, organization__in=orgs, is_active=True,
                                     role__in=[Membership.Role.OFFICER,
                                               Membership.Role.ADMIN]).exists():
        raise PermissionDenied()
    if project.status not in ATTACHABLE:
        raise InvalidTransition(_("Files for the method are added before it is approved."))
    if purpose not in MethodAttachment.Purpose.values:
        raise DomainError(_("Say what the file is."), field="purpose")
    kind = uploads.check(upload.name, upload.data, field="upload")
    if kind not in ("pdf", "png", "jpeg"):
        raise DomainError(_("Upload a PDF or an image."), code="file_kind", field="upload")
    record = MethodAttachment(project=project, purpose=purpose, name=upload.name[:200],
                              kind=kind, size=len(upload.data),
                              sha256=hashlib.sha256(upload.data).hexdigest(),
                              uploaded_by=actor, uploaded_at=now)
    record.blob.save("attachment.bin", ContentFile(upload.data), save=False)
    try:
        record.save()
        audit_record(action="method_attachment.add", actor=actor,
                     organization=project.purchaser, obj=project,
                     detail={"name": record.name, "purpose": purpose, "sha256": record.sha256},
                     ip=ip, now=now)
    except BaseException:
        record.blob.storage.delete(record.blob.name)
        raise
    return record
