"""询问: any supplier asks about an announced project; the purchaser or its entrusted
agency answers in writing within 3 working days (条例 第52条, clock ``inquiry.answer``),
and the asker is told.

Also what the challenges part shares with it: who reviews a project's inquiries and
challenges (the purchaser and its agency), and their people.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, has_role, require_kind, require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.locks import advisory_lock
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open
from notifications.services import notify
from procurement.models import Project
from rules.registry import rule

from ..models import Inquiry
from ..steps_inquiries import INQUIRY

ACTIONS = {
    "inquiry.ask": _("Inquiry asked"),
    "inquiry.ask_refused": _("Inquiry refused"),
    "inquiry.answer": _("Inquiry answered"),
    "inquiry.answer_refused": _("Inquiry answer refused"),
}

CATEGORY = "complaints.inquiry"
# Projects a supplier may ask about: announced, whatever happened since.
ASKABLE = (Project.Status.ANNOUNCED, Project.Status.OPENED, Project.Status.EVALUATING,
           Project.Status.AWARDED, Project.Status.FAILED)
MAX_TEXT = 5000


def register():
    from deadlines.links import register_task_url
    from notifications.categories import register_category

    register_category(CATEGORY, _("Inquiries about procurement projects"), statutory=True)
    register_task_url(Inquiry, lambda inquiry, user: reverse(
        "complaints:inquiry-detail", args=[inquiry.pk]))


# --- shared with the challenges part -------------------------------------------------

def reviewer_orgs(project: Project) -> list[Organization]:
    """Who answers about a project: the purchaser and, when entrusted, its agency."""
    return [project.purchaser, *([project.agency] if project.agency_id else [])]


def is_reviewer(organization: Organization | None, project: Project) -> bool:
    return organization is not None and organization.pk in (project.purchaser_id,
                                                            project.agency_id)


def require_reviewer(user, organization: Organization | None, project: Project) -> None:
    """The person acts for the project's purchaser or agency, as one of its officers."""
    if not is_reviewer(organization, project):
        raise PermissionDenied(_("Only the purchaser or its entrusted agency answers about "
                                 "this project."))
    require_role(user, organization, *OFFICERS)


def people(*organizations, roles=OFFICERS) -> list:
    users = {m.user.pk: m.user for m in Membership.objects.filter(
        organization__in=[o for o in organizations if o is not None], is_active=True,
        role__in=roles).select_related("user")}
    return list(users.values())


def require_supplier(user, supplier: Organization) -> None:
    require_kind(supplier, Organization.Kind.SUPPLIER)
    require_role(user, supplier, *OFFICERS)


def text(value, *, field: str, minimum: int = 5, message=None) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise DomainError(message or _("Write at least %(n)s characters."),
                          params={"n": minimum}, field=field, code="too_short")
    if len(value) > MAX_TEXT:
        raise DomainError(_("Write at most %(n)s characters."), params={"n": MAX_TEXT},
                          field=field, code="too_long")
    return value


# --- services ------------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def inquiry_ask(*, project: Project, supplier: Organization, user, question: str,
                now=None, ip=None) -> Inquiry:
    """A supplier asks about an announced project (法 第51条; 条例 第52条).

    1. any registered supplier may ask (no bid needed), through its officers;
    2. the project must have been announced;
    3. the purchaser's (or its agency's) 3-working-day clock starts, and their officers
       are told."""
    now = now or timezone.now()
    require_supplier(user, supplier)
    project = Project.objects.select_related("purchaser", "agency").get(pk=project.pk)
    if project.status not in ASKABLE or project.announced_at is None:
        raise RuleViolation(_("Questions are asked about an announced project."),
                            code="not_announced", basis=rule("inquiry.answer").basis)
    question = text(question, field="question")
    # A double-click or a retry asks once: the same open question by the same supplier
    # is the one already asked (the lock serialises the two requests).
    advisory_lock("complaints", "inquiry", project.pk, supplier.pk)
    asked = Inquiry.objects.filter(project=project, supplier=supplier, question=question,
                                   status=Inquiry.Status.OPEN).first()
    if asked is not None:
        return asked
    inquiry = Inquiry.objects.create(project=project, supplier=supplier, asked_by=user,
                                     question=question, asked_at=now)
    answering = project.agency if project.agency_id else project.purchaser
    deadline_open(subject=inquiry, clock="inquiry.answer", organization=answering,
                  start=now, now=now, actor=user,
                  responsible_users=people(*reviewer_orgs(project)))
    audit_record(action="inquiry.ask", actor=user, organization=supplier, obj=inquiry,
                 detail={"project": project.code}, ip=ip, now=now)
    notify(event_key=f"inquiry:{inquiry.pk}:asked",
           recipients=people(*reviewer_orgs(project)), category=CATEGORY,
           subject=f"{project.code} 收到询问",
           body=f"【春风政采】{supplier.name}就“{project.title}”提出询问，请在"
                f"{rule('inquiry.answer').amount}个工作日内书面答复。",
           link=inquiry.get_absolute_url(), now=now)
    return inquiry


@records_refusals()
@transaction.atomic
def inquiry_answer(*, inquiry: Inquiry, answer: str, user, organization: Organization,
                   now=None, ip=None) -> Inquiry:
    """The purchaser or agency answers in writing; the clock is met, the asker told."""
    now = now or timezone.now()
    inquiry = Inquiry.objects.select_for_update(of=("self",)).select_related(
        "project__purchaser", "project__agency", "supplier").get(pk=inquiry.pk)
    require_reviewer(user, organization, inquiry.project)
    if not INQUIRY.can(inquiry, "answer"):
        raise InvalidTransition(_("This inquiry is answered already."))
    inquiry.answer = text(answer, field="answer")
    inquiry.answered_by, inquiry.answered_for, inquiry.answered_at = user, organization, now
    transition(inquiry, Inquiry.Status.ANSWERED, table=INQUIRY, actor=user, now=now,
               update_fields=["answer", "answered_by", "answered_for", "answered_at"])
    deadline_meet(subject=inquiry, clock="inquiry.answer", at=now, actor=user, now=now)
    audit_record(action="inquiry.answer", actor=user, organization=organization,
                 obj=inquiry, ip=ip, now=now)
    notify(event_key=f"inquiry:{inquiry.pk}:answered",
           recipients=people(inquiry.supplier), category=CATEGORY,
           subject=f"{inquiry.project.code} 询问已答复",
           body=f"【春风政采】{organization.name}已答复贵单位就“{inquiry.project.title}”"
                f"提出的询问。", link=inquiry.get_absolute_url(), now=now)
    return inquiry


def can_answer(user, organization, inquiry: Inquiry) -> bool:
    return (INQUIRY.can(inquiry, "answer") and is_reviewer(organization, inquiry.project)
            and has_role(user, organization, *OFFICERS))
