"""Invitational tendering (邀请招标): from the qualification notice to the invitations.

法 第34条 and 87号令 第14条: the suppliers invited are drawn at random, at least three,
from those found qualified. This platform builds the list the first way 第14条 names —
a published qualification notice (资格预审公告) — and then:

1. ``qualification_notice_publish``: the notice, open for at least its period;
2. ``qualification_apply``: a supplier applies once, with its documents and declaration,
   before the deadline by the server clock;
3. ``qualification_review``: after the deadline the organiser finds each applicant
   qualified or not (with the reason, which the applicant is told);
4. ``invitation_draw``: a recorded seed draws the number chosen from the qualified —
   ``random.Random(seed).sample(pool sorted by id, count)`` — so anyone may draw again
   and get the same list; the drawn become ``Invitation`` rows (source DRAWN);
5. ``project_announce`` then sends the tender invitation (``check_drawn`` before it,
   ``invitations_send`` after it), and only the invited obtain documents and bid
   (``bidding.check_invited``).

The project keeps the status ``approved`` throughout: these rows are its stage.
"""

import hashlib
import random
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import rule
from workdays.services import add_workdays

from .. import steps, uploads
from ..announcements import render_qualification
from ..models import (
    Announcement,
    Invitation,
    InvitationDraw,
    Prequalification,
    Project,
    QualificationApplication,
    QualificationFile,
)
from ..rules import check_intention

P = Project.Status
QA = QualificationApplication.Status
SUPPLIER_ROLES = (Membership.Role.ADMIN, Membership.Role.OFFICER)
SEED_BITS = 63  # fits PostgreSQL's bigint


def draw_sample(seed: int, pool: list[int], count: int) -> list[int]:
    """The draw, reproducible: the same seed and pool always give the same suppliers."""
    # Not for secrecy but for a result anyone can check: the seed itself comes from
    # ``secrets`` (unpredictable); the generator must give the same list again.
    return random.Random(seed).sample(sorted(pool), count)  # noqa: S311


def _organiser(actor, project: Project) -> None:
    """The purchaser's or the entrusted agency's officers run the procedure."""
    parties = [project.purchaser_id] + ([project.agency_id] if project.agency_id else [])
    if not Membership.objects.filter(user=actor, organization_id__in=parties,
                                     role__in=OFFICERS, is_active=True).exists():
        raise PermissionDenied()


def _invited_method(project: Project) -> None:
    if project.method != Project.Method.INVITED:
        raise DomainError(_("Only an invitational tender publishes a qualification notice and "
                            "draws the suppliers it invites."), code="not_invitational")


def _staff(organizations) -> list:
    return [m.user for m in Membership.objects.filter(
        organization__in=organizations, is_active=True,
        role__in=SUPPLIER_ROLES).select_related("user")]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@records_refusals("qualification.notice_refused")
@transaction.atomic
def qualification_notice_publish(*, project: Project, actor, apply_until, draw_count: int,
                                 now=None, ip=None) -> Announcement:
    """Publish the 资格预审公告 of an approved invitational tender.

    1. the procurement intention went public long enough before (as for any tender);
    2. applications stay open at least the notice period (``invitation.qualification_
       period``, working days from the day after publication);
    3. the number to draw is at least ``invitation.min_drawn`` (法 第34条)."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().select_related("demand").get(pk=project.pk)
    _organiser(actor, project)
    _invited_method(project)
    if project.status != P.APPROVED:
        raise InvalidTransition(_("The qualification notice is published once the project is "
                                  "approved, before the tender invitation."))
    if Prequalification.objects.filter(project=project).exists():
        raise InvalidTransition(_("The qualification notice of this project is published "
                                  "already."))
    check_intention(intention=project.demand.intention, now=now)
    minimum = rule("invitation.min_drawn")
    if draw_count < int(minimum.amount):
        raise RuleViolation(_("At least %(n)s suppliers are drawn and invited."),
                            params={"n": minimum.amount}, code="too_few_drawn",
                            basis=minimum.basis, field="draw_count")
    period = rule("invitation.qualification_period")
    earliest = add_workdays(timezone.localtime(now).date(), int(period.amount))
    if timezone.localtime(apply_until).date() < earliest:
        raise RuleViolation(
            _("Applications must stay open until at least %(date)s: %(rule)s is %(value)s."),
            params={"date": earliest.isoformat(), "rule": period.description,
                    "value": period.display_value()},
            code="period_too_short", basis=period.basis, field="apply_until")
    title, body, fields = render_qualification(project, apply_until=apply_until,
                                               draw_count=draw_count, published_at=now)
    announcement = Announcement.objects.create(
        project=project, kind=Announcement.Kind.QUALIFICATION, title=title, body=body,
        fields=fields, published_at=now)
    Prequalification.objects.create(project=project, announcement=announcement,
                                    apply_until=apply_until, draw_count=draw_count,
                                    published_by=actor, published_at=now)
    audit_record(action="qualification.notice", actor=actor, organization=project.purchaser,
                 obj=project, detail={"apply_until": apply_until.isoformat(),
                                      "draw_count": draw_count}, ip=ip, now=now)
    return announcement


def _open_prequalification(project: Project) -> Prequalification:
    found = Prequalification.objects.filter(project=project).first()
    if found is None or project.status != P.APPROVED:
        raise InvalidTransition(_("This project takes no qualification applications."))
    return found


@records_refusals()
@transaction.atomic
def qualification_apply(*, project: Project, supplier: Organization, user, files: list,
                        declaration: bool, now=None, ip=None) -> QualificationApplication:
    """A supplier applies once, before the deadline by the server clock, with its
    qualification documents (checked by content: ``core.uploads``) and the declaration
    (法 第22条). Two submits at once leave one application: the second finds the first
    (the unique constraint waits for it) and is refused."""
    now = now or timezone.now()
    project = Project.objects.get(pk=project.pk)
    if supplier.kind != Organization.Kind.SUPPLIER:
        raise PermissionDenied(_("Only suppliers apply to be qualified."))
    require_role(user, supplier, *SUPPLIER_ROLES)
    pq = _open_prequalification(project)
    if now >= pq.apply_until:
        period = rule("invitation.qualification_period")
        raise RuleViolation(
            _("Applications closed at %(deadline)s by the server clock; late applications "
              "are refused."), params={"deadline": _local(pq.apply_until)},
            code="late", basis=period.basis)
    if not declaration:
        raise RuleViolation(_("Make the declaration: the documents are true and the supplier "
                              "meets the conditions of 法 第22条."),
                            code="declaration_missing", basis="法 第22条", field="declaration")
    if not files:
        raise DomainError(_("Upload the qualification documents."), code="files_missing",
                          field="files")
    kinds = [uploads.check(f.name, f.data, field="files") for f in files]
    if QualificationApplication.objects.filter(project=project, supplier=supplier).exists():
        raise DomainError(_("This supplier has applied already: one application each."),
                          code="already_applied")
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin's row refuses ours
            application = QualificationApplication.objects.create(
                project=project, supplier=supplier, user=user, declaration=True,
                submitted_at=now)
    except IntegrityError:
        raise DomainError(_("This supplier has applied already: one application each."),
                          code="already_applied") from None
    for f, kind in zip(files, kinds, strict=True):
        stored = QualificationFile(application=application, name=f.name[:200], kind=kind,
                                   size=len(f.data),
                                   sha256=hashlib.sha256(f.data).hexdigest())
        stored.blob.save("q.bin", ContentFile(f.data), save=False)
        stored.save()
    audit_record(action="qualification.apply", actor=user, organization=supplier,
                 obj=project, detail={"application": application.pk, "files": len(files)},
                 ip=ip, now=now)
    return application


@records_refusals()
@transaction.atomic
def qualification_review(*, application: QualificationApplication, actor, qualified: bool,
                         reason: str = "", now=None, ip=None) -> QualificationApplication:
    """After the deadline, find an applicant qualified or not; a supplier not qualified
    is told why (the reason is required). Nothing changes once the draw is made."""
    now = now or timezone.now()
    application = (QualificationApplication.objects.select_for_update()
                   .select_related("project", "supplier").get(pk=application.pk))
    project = application.project
    _organiser(actor, project)
    pq = _open_prequalification(project)
    if now < pq.apply_until:
        period = rule("invitation.qualification_period")
        raise RuleViolation(
            _("Applications are reviewed after they close (%(deadline)s)."),
            params={"deadline": _local(pq.apply_until)}, code="review_before_deadline",
            basis=period.basis)
    if InvitationDraw.objects.filter(project=project).exists():
        raise InvalidTransition(_("The suppliers are drawn already: the review is closed."))
    reason = (reason or "").strip()
    if not qualified and len(reason) < 2:
        raise DomainError(_("Say why the supplier is not qualified: it is told the reason."),
                          code="reason_required", field="reason")
    application.reason = reason
    application.reviewed_by, application.reviewed_at = actor, now
    transition(application, QA.QUALIFIED if qualified else QA.NOT_QUALIFIED,
               table=steps.QUALIFICATION, actor=actor, now=now, reason=reason,
               update_fields=["reason", "reviewed_by", "reviewed_at"])
    verdict = "资格审查合格" if qualified else f"资格审查不合格，原因：{reason}"
    notify(event_key=f"qualification:{application.pk}", recipients=_staff([application.supplier]),
           category="procurement.qualification", subject=f"{project.title}资格审查结果",
           body=f"【春风政采】您申请的项目“{project.title}”（{project.code}）{verdict}。",
           link=pq.announcement.get_absolute_url(), now=now)
    audit_record(action="qualification.review", actor=actor, organization=project.purchaser,
                 obj=project, detail={"application": application.pk,
                                      "supplier": application.supplier_id,
                                      "qualified": qualified, "reason": reason}, ip=ip, now=now)
    return application


@records_refusals()
@transaction.atomic
def invitation_draw(*, project: Project, actor, count: int, now=None,
                    ip=None) -> InvitationDraw:
    """Draw ``count`` suppliers at random from the qualified and invite them.

    1. after the deadline, every application reviewed, no draw made before;
    2. ``count`` at least ``invitation.min_drawn`` (法 第34条);
    3. the qualified pool at least ``invitation.pool_multiple`` times ``count``
       (87号令 第14条, as RULES.md reads it);
    4. seed from ``secrets``, the draw by ``draw_sample``; seed, pool and result kept,
       audited and shown to supervision; the drawn told."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    _organiser(actor, project)
    _invited_method(project)
    pq = _open_prequalification(project)
    if InvitationDraw.objects.filter(project=project).exists():
        raise InvalidTransition(_("The suppliers of this project are drawn already."))
    if now < pq.apply_until:
        period = rule("invitation.qualification_period")
        raise RuleViolation(_("The draw is made after applications close (%(deadline)s)."),
                            params={"deadline": _local(pq.apply_until)},
                            code="draw_before_deadline", basis=period.basis)
    applications = project.qualification_applications.all()
    pending = applications.filter(status=QA.SUBMITTED).count()
    if pending:
        raise DomainError(_("%(n)s application(s) are not reviewed yet: review every "
                            "application before the draw."), params={"n": pending},
                          code="applications_unreviewed")
    minimum = rule("invitation.min_drawn")
    if count < int(minimum.amount):
        raise RuleViolation(_("At least %(n)s suppliers are drawn and invited."),
                            params={"n": minimum.amount}, code="too_few_drawn",
                            basis=minimum.basis, field="count")
    pool = sorted(applications.filter(status=QA.QUALIFIED).values_list("supplier_id",
                                                                       flat=True))
    multiple = rule("invitation.pool_multiple")
    needed = int(multiple.amount) * count
    if len(pool) < needed:
        raise RuleViolation(
            _("%(pool)s supplier(s) qualified; drawing %(count)s needs at least %(needed)s "
              "(%(multiple)s times as many as are drawn)."),
            params={"pool": len(pool), "count": count, "needed": needed,
                    "multiple": multiple.amount},
            code="pool_too_small", basis=f"法 第34条; {multiple.basis}", field="count")
    seed = secrets.randbits(SEED_BITS)
    drawn = draw_sample(seed, pool, count)
    draw = InvitationDraw.objects.create(project=project, seed=seed, pool=pool, drawn=drawn,
                                         count=count, drawn_by=actor, drawn_at=now)
    Invitation.objects.bulk_create([
        Invitation(project=project, supplier_id=pk, source=Invitation.Source.DRAWN,
                   invited_by=actor, invited_at=now) for pk in drawn])
    notify(event_key=f"invitation-draw:{draw.pk}",
           recipients=_staff(Organization.objects.filter(pk__in=drawn)),
           category="procurement.invitation", subject=f"{project.title}随机抽取结果",
           body=f"【春风政采】贵单位在项目“{project.title}”（{project.code}）的随机抽取中被抽中，"
                f"投标邀请书将通过平台发出，请留意。",
           link=pq.announcement.get_absolute_url(), now=now)
    audit_record(action="invitation.draw", actor=actor, organization=project.purchaser,
                 obj=project, detail={"seed": str(seed), "pool": pool, "drawn": drawn,
                                      "count": count}, ip=ip, now=now)
    return draw


def check_drawn(project: Project) -> None:
    """An invitational tender sends its tender invitation only after the draw: at least
    ``invitation.min_drawn`` suppliers invited (法 第34条). Called by ``project_announce``."""
    if project.method != Project.Method.INVITED:
        return
    minimum = rule("invitation.min_drawn")
    invited = Invitation.objects.filter(project=project,
                                        source=Invitation.Source.DRAWN).count()
    if invited < int(minimum.amount):
        raise RuleViolation(
            _("Invitational tendering: publish the qualification notice, review the "
              "applications and draw at least %(n)s suppliers at random before sending the "
              "tender invitation."), params={"n": minimum.amount}, code="no_draw",
            basis=minimum.basis)


def invitations_send(project: Project, announcement: Announcement, *, now) -> None:
    """The tender invitation (投标邀请书) reaches every invited supplier at once (87号令
    第14条). Called by ``project_announce`` once bidding is open."""
    if project.method != Project.Method.INVITED:
        return
    invited = Organization.objects.filter(invitations__project=project)
    deadline = _local(project.bid_deadline)
    notify(event_key=f"tender-invitation:{announcement.pk}", recipients=_staff(invited),
           category="procurement.invitation", subject=f"{project.title}投标邀请书",
           body=f"【春风政采】诚邀贵单位参加项目“{project.title}”（{project.code}）的投标。"
                f"请在平台免费获取采购文件，投标截止时间{deadline}。",
           link=announcement.get_absolute_url(), now=now)
