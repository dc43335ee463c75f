"""投诉: a challenger dissatisfied with the answer (or not answered in time) complains to
the finance bureau (法 第55条), which reviews it for acceptance (5 WD, corrections
requested once, 94号令 第21条), investigates (testing and expert review not counted),
may suspend the procurement for at most 30 days (法 第57条), and decides within 30 WD
(法 第56条; 条例 第58条): the decision (投诉处理决定书) is a PDF served on the parties and
published.

Clocks (``deadlines``): ``complaint.review`` (the bureau, from receipt), paused while the
complainant corrects within ``complaint.correction``; ``complaint.decide`` (the bureau,
from receipt, the correction time not counted), paused for testing and expert review.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core import uploads
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.clock import compute_due
from deadlines.models import Deadline
from deadlines.services import (
    deadline_meet,
    deadline_open,
    deadline_pause,
    deadline_resume,
    running_deadline,
)
from notifications.services import notify
from rules.registry import Unit, rule

from ..models import Challenge, Complaint, ComplaintPause, Evidence, Objection
from ..numbering import next_number
from ..signals import complaint_decided
from ..steps_complaints import COMPLAINT, OPEN

S = Complaint.Status
K = Organization.Kind
CATEGORY = "complaints.complaint"
# Bases the registry holds no number for (94号令 = 政府采购质疑和投诉办法).
BASIS_CHALLENGED_FIRST = "94号令 第19条、第20条"
BASIS_SAME_MATTER = "94号令 第19条"
BASIS_WITHDRAW = "94号令 第27条"
BASIS_REVIEW = "94号令 第21条"
BASIS_REMEDY = "法 第58条"
# The statute the copy and the reply follow (the number is in rule ``complaint.reply``).
BASIS_REPLY = "94号令 第22条"
# The finance bureau's staff who take a complaint's steps.
BUREAU_ROLES = tuple(Membership.Role.values)
# The decision's wording, in the official language of the document.
OUTCOME_ZH = {"upheld": "投诉事项成立", "partly": "投诉事项部分成立", "dismissed": "驳回投诉"}

ACTIONS = {
    "complaint.file": _("Filed a complaint"),
    "complaint.register_offline": _("Registered a complaint received on paper"),
    "complaint.request_correction": _("Requested corrections to a complaint"),
    "complaint.correct": _("Corrected a complaint"),
    "complaint.accept": _("Accepted a complaint"),
    "complaint.reject": _("Did not accept a complaint"),
    "complaint.withdraw": _("Withdrew a complaint"),
    "complaint.pause": _("Paused a complaint's decision clock"),
    "complaint.resume": _("Resumed a complaint's decision clock"),
    "complaint.suspend_procurement": _("Suspended the procurement during a complaint"),
    "complaint.resume_procurement": _("Resumed the procurement after a suspension"),
    "complaint.decide": _("Decided a complaint"),
    "complaint.reply": _("Replied to a complaint (the respondent)"),
    "complaint.reply_refused": _("Refused: replying to a complaint"),
    "complaint.file_refused": _("Refused: filing a complaint"),
    "complaint.register_offline_refused": _("Refused: registering a paper complaint"),
    "complaint.request_correction_refused": _("Refused: requesting corrections"),
    "complaint.correct_refused": _("Refused: correcting a complaint"),
    "complaint.accept_refused": _("Refused: accepting a complaint"),
    "complaint.reject_refused": _("Refused: not accepting a complaint"),
    "complaint.withdraw_refused": _("Refused: withdrawing a complaint"),
    "complaint.pause_refused": _("Refused: pausing a complaint"),
    "complaint.resume_refused": _("Refused: resuming a complaint"),
    "complaint.suspend_procurement_refused": _("Refused: suspending the procurement"),
    "complaint.resume_procurement_refused": _("Refused: resuming the procurement"),
    "complaint.decide_refused": _("Refused: deciding a complaint"),
}


def register() -> None:
    from deadlines.links import register_task_url
    from notifications.categories import register_category

    from .. import tasks_complaints  # noqa: F401 — registers the hourly suspension sweep

    register_category(CATEGORY, _("Complaints to the finance bureau"), statutory=True)
    register_task_url(Complaint, lambda complaint, user: complaint.get_absolute_url())


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --- reading what the steps need -----------------------------------------------------

def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def answer_due(challenge: Challenge) -> dt.datetime:
    """When the answer to the challenge was due (法 第53条: 7 WD from its filing): the
    running or closed ``challenge.answer`` clock's due time if there is one, else
    computed from the filing."""
    from django.contrib.contenttypes.models import ContentType

    clock = (Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(Challenge),
        subject_id=str(challenge.pk), clock="challenge.answer").order_by("-id").first())
    if clock is not None:
        return clock.due_at
    the_rule = rule("challenge.answer")
    return compute_due(start=challenge.filed_at, amount=int(the_rule.amount),
                       unit=the_rule.unit).at


@dataclass(frozen=True)
class Window:
    """When the challenger may complain (法 第55条): from the answer (or the lapse of its
    deadline unanswered) until 15 WD after the answer's deadline."""

    opens_at: dt.datetime | None
    closes_at: dt.datetime
    answer_due_at: dt.datetime
    basis: str

    def is_open(self, now) -> bool:
        return self.opens_at is not None and self.opens_at <= now <= self.closes_at


def complaint_window(challenge: Challenge) -> Window:
    due = answer_due(challenge)
    the_rule = rule("complaint.file")
    closes = compute_due(start=due, amount=int(the_rule.amount), unit=the_rule.unit).at
    if challenge.status in (Challenge.Status.ANSWERED, Challenge.Status.REJECTED):
        opens = challenge.answered_at or challenge.closed_at or due
        opens = min(opens, due)
    elif challenge.status == Challenge.Status.PENDING:
        opens = due  # not answered in time: the window opens when the deadline lapses
    else:  # withdrawn: nothing to complain of
        opens = None
    return Window(opens, closes, due, the_rule.basis)


def _bureau_of(user) -> Organization | None:
    membership = (Membership.objects.filter(user=user, is_active=True,
                                            organization__kind=K.FINANCE)
                  .select_related("organization").order_by("pk").first())
    return membership.organization if membership else None


def _require_bureau(user, organization: Organization | None) -> Organization:
    """The finance bureau the person acts for: only its staff take the bureau's steps."""
    bureau = organization if organization is not None else _bureau_of(user)
    if bureau is None or bureau.kind != K.FINANCE:
        raise PermissionDenied(_("Only the finance bureau's staff handle complaints."),
                               code="not_bureau")
    require_role(user, bureau, *BUREAU_ROLES)
    return bureau


def _bureau_for(project) -> Organization | None:
    """The finance bureau that handles complaints about the project: the one of the
    purchaser's region, else the first."""
    bureaus = Organization.objects.filter(kind=K.FINANCE, is_active=True).order_by("pk")
    region = getattr(project.purchaser, "region_code", "")
    return (region and bureaus.filter(region_code=region).first()) or bureaus.first()


def _people(*organizations, roles=OFFICERS) -> list:
    users = [m.user for m in Membership.objects.filter(
        organization__in=[o for o in organizations if o is not None], is_active=True,
        user__is_active=True, role__in=roles).select_related("user").order_by("pk")]
    return list({u.pk: u for u in users}.values())


def _tell(complaint: Complaint, organizations, *, key: str, subject: str, body: str, now,
          roles=OFFICERS, link: str | None = None) -> None:
    notify(event_key=f"complaint:{complaint.pk}:{key}",
           recipients=_people(*organizations, roles=roles), category=CATEGORY,
           subject=subject, body=f"【春风政采】{body}",
           link=link or complaint.get_absolute_url(), now=now)


def _locked(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("challenge__project__purchaser", "challenge__project__agency",
                            "complainant").get(pk=complaint.pk))


def _next_number(now) -> str:
    return next_number(Complaint, "TS", now)


def _store(complaint: Complaint, files, *, role: str, user, now, field: str = "files"):
    kinds = [uploads.check(f.name, f.data, field=field) for f in files]
    for f, kind in zip(files, kinds, strict=True):
        doc = Evidence(complaint=complaint, role=role, name=f.name[:200], kind=kind,
                       size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest(),
                       uploaded_by=user, uploaded_at=now)
        doc.blob.save("c.bin", ContentFile(f.data), save=False)
        doc.save()


def _check_files(files, field="files"):
    for f in files:
        uploads.check(f.name, f.data, field=field)


def _text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if len(value) < 5:
        raise DomainError(message, code="required", field=field)
    return value


def _matters(challenge: Challenge, matters) -> list[Objection]:
    """The objections complained of: each must be an objection of this challenge — a
    matter never challenged cannot be complained of (94号令 第19条、第20条)."""
    ids = []
    for m in matters or ():
        pk = m.pk if isinstance(m, Objection) else m
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise DomainError(_("Choose the matters from the challenge's objections."),
                              code="not_challenged", field="matters") from None
    if not ids:
        raise DomainError(_("Choose at least one matter of the challenge to complain of."),
                          code="matters_missing", field="matters")
    found = list(Objection.objects.filter(challenge=challenge, pk__in=ids).order_by("number"))
    if len(found) != len(set(ids)):
        raise RuleViolation(
            _("A matter that was not challenged cannot be complained of: challenge it first "
              "(each matter must be one of the objections of %(challenge)s)."),
            params={"challenge": challenge.number}, code="not_challenged",
            basis=BASIS_CHALLENGED_FIRST, field="matters")
    return found


# --- filing ----------------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def complaint_file(*, challenge: Challenge, complainant: Organization, user, matters,
                   request: str, facts: str, files=(), channel: str = Complaint.Channel.ONLINE,
                   registered_by=None, original: Upload | None = None,
                   filed_at: dt.datetime | None = None, now=None, ip=None) -> Complaint:
    """The challenger complains of matters of its challenge (法 第55条).

    Refused, nothing saved: another supplier than the challenger; a matter not among the
    challenge's objections; before the answer (or the lapse of its deadline); after 15 WD
    from the answer's deadline; a matter already in an open or decided complaint. Online,
    the complainant's officer files; offline (``channel="offline"``), the finance bureau's
    staff (``registered_by``) register what was received on paper with its scan
    (``original``). Opens the bureau's ``complaint.review`` clock (5 WD)."""
    now = now or timezone.now()
    filed_at = filed_at or now
    challenge = (Challenge.objects.select_for_update(of=("self",))
                 .select_related("project__purchaser", "project__agency", "supplier")
                 .get(pk=challenge.pk))
    offline = channel == Complaint.Channel.OFFLINE
    if channel not in Complaint.Channel.values:
        raise DomainError(_("Unknown channel."), code="channel", field="channel")
    if offline:
        if registered_by is None:
            raise PermissionDenied(_("Only the finance bureau's staff register a complaint "
                                     "received on paper."), code="not_bureau")
        _require_bureau(registered_by, None)
        if original is None:
            raise DomainError(_("Attach the scan of the paper complaint."),
                              code="original_missing", field="original")
        if filed_at > now:
            raise DomainError(_("The date of receipt cannot be in the future."),
                              code="future", field="filed_at")
    else:
        registered_by = None
        require_role(user, complainant, *OFFICERS)
        filed_at = now  # online, the server clock
    if complainant.pk != challenge.supplier_id:
        raise RuleViolation(
            _("Only the supplier that filed the challenge %(challenge)s may complain of it."),
            params={"challenge": challenge.number}, code="not_challenger",
            basis=BASIS_CHALLENGED_FIRST)
    found = _matters(challenge, matters)
    window = complaint_window(challenge)
    if window.opens_at is None:
        raise RuleViolation(_("The challenge was withdrawn: there is nothing to complain of."),
                            code="challenge_withdrawn", basis=window.basis)
    if filed_at < window.opens_at:
        raise RuleViolation(
            _("A complaint may be filed once the challenge is answered or its answer deadline "
              "(%(due)s) has passed unanswered."),
            params={"due": _local(window.answer_due_at)}, code="too_early", basis=window.basis)
    if filed_at > window.closes_at:
        raise RuleViolation(
            _("The time to complain closed on %(closes)s (%(days)s working days after the "
              "answer's deadline %(due)s); late complaints are refused."),
            params={"closes": _local(window.closes_at), "due": _local(window.answer_due_at),
                    "days": rule("complaint.file").amount},
            code="late", basis=window.basis)
    taken = (Objection.objects.filter(pk__in=[o.pk for o in found],
                                      complaints__status__in=[*OPEN, S.DECIDED])
             .values_list("number", flat=True).distinct())
    if taken:
        raise RuleViolation(
            _("Item(s) %(items)s of this challenge are already complained of: the same matter "
              "is handled once."),
            params={"items": ", ".join(str(n) for n in sorted(taken))},
            code="already_complained", basis=BASIS_SAME_MATTER, field="matters")
    request = _text(request, "request", _("Say what you ask the finance bureau to do."))
    facts = _text(facts, "facts", _("Give the facts and grounds of the complaint."))
    files = list(files or ())
    _check_files(files)
    if offline:
        _check_files([original], field="original")
    complaint = Complaint.objects.create(
        number=_next_number(now), challenge=challenge, complainant=complainant,
        channel=channel, request=request, facts=facts, filed_by=user,
        registered_by=registered_by, filed_at=filed_at)
    complaint.matters.set(found)
    _store(complaint, files, role=Evidence.Role.EVIDENCE, user=user, now=now)
    if offline:
        _store(complaint, [original], role=Evidence.Role.ORIGINAL, user=registered_by, now=now,
               field="original")
    project = challenge.project
    bureau = _bureau_for(project)
    if bureau is not None:
        deadline_open(subject=complaint, clock="complaint.review", organization=bureau,
                      start=filed_at, now=now, actor=registered_by or user)
    audit_record(action="complaint.register_offline" if offline else "complaint.file",
                 actor=registered_by or user,
                 organization=bureau if offline else complainant, obj=complaint,
                 detail={"challenge": challenge.number, "matters": [o.number for o in found],
                         "channel": channel, "files": len(files),
                         "window_closes_at": window.closes_at.isoformat()},
                 ip=ip, now=now)
    if bureau is not None:
        _tell(complaint, [bureau], key="filed", now=now, roles=BUREAU_ROLES,
              subject=f"收到投诉：{complaint.number}",
              body=f"{complainant.name}就“{project.title}”（{project.code}）提起投诉"
                   f"{complaint.number}，请在{rule('complaint.review').amount}个工作日内审查"
                   f"（{BASIS_REVIEW}）。")
    _tell(complaint, [complainant], key="received", now=now,
          subject=f"投诉已提交：{complaint.number}",
          body=f"您就“{project.title}”提起的投诉{complaint.number}已收到，财政部门将进行审查。")
    return complaint


@records_refusals()
@transaction.atomic
def complaint_register_offline(*, challenge: Challenge, user, matters, request: str,
                               facts: str, original: Upload, files=(),
                               organization: Organization | None = None,
                               filed_at: dt.datetime | None = None, now=None,
                               ip=None) -> Complaint:
    """The finance bureau registers a complaint received on paper or in person, with the
    scan of the original: the same checks as online, judged at the date of receipt."""
    _require_bureau(user, organization)
    return complaint_file(challenge=challenge, complainant=challenge.supplier, user=user,
                          matters=matters, request=request, facts=facts, files=files,
                          channel=Complaint.Channel.OFFLINE, registered_by=user,
                          original=original, filed_at=filed_at, now=now, ip=ip)


# --- acceptance review -----------------------------------------------------------------

def _close_pause(complaint: Complaint, now) -> ComplaintPause | None:
    pause = complaint.pauses.filter(ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
    return pause


@records_refusals()
@transaction.atomic
def complaint_request_correction(*, complaint: Complaint, user, request: str,
                                 organization: Organization | None = None, now=None,
                                 ip=None) -> Complaint:
    """Ask, once, for the complaint to be corrected (94号令 第21条): the review clock
    pauses, and the complainant has ``complaint.correction`` to correct."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    if complaint.correction_requested_at is not None:
        raise RuleViolation(_("Corrections are requested once only."),
                            code="correction_once", basis=BASIS_REVIEW)
    request = _text(request, "request", _("Say what must be corrected."))
    complaint.correction_request = request
    complaint.correction_requested_at = now
    transition(complaint, S.CORRECTING, table=COMPLAINT, actor=user, now=now, reason=request,
               update_fields=["correction_request", "correction_requested_at"])
    ComplaintPause.objects.create(complaint=complaint, kind=ComplaintPause.Kind.CORRECTION,
                                  reason=request, started_at=now)
    deadline_pause(subject=complaint, clock="complaint.review", reason=request, at=now,
                   actor=user)
    deadline_open(subject=complaint, clock="complaint.correction",
                  organization=complaint.complainant, start=now, now=now, actor=user)
    audit_record(action="complaint.request_correction", actor=user, organization=bureau,
                 obj=complaint, detail={"request": request}, ip=ip, now=now)
    the_rule = rule("complaint.correction")
    _tell(complaint, [complaint.complainant], key="correction", now=now,
          subject=f"投诉{complaint.number}需要补正",
          body=f"财政部门要求补正投诉{complaint.number}：{request}。请在{the_rule.amount}个"
               f"工作日内补正（{the_rule.basis}），逾期未补正的不予受理。")
    return complaint


@records_refusals()
@transaction.atomic
def complaint_correct(*, complaint: Complaint, user, organization: Organization,
                      request: str = "", facts: str = "", files=(), now=None,
                      ip=None) -> Complaint:
    """The complainant corrects within ``complaint.correction``: the review clock runs
    again, its due time moved by the working days it was paused."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    if organization.pk != complaint.complainant_id:
        raise PermissionDenied(_("Only the complainant corrects its complaint."))
    require_role(user, organization, *OFFICERS)
    if not COMPLAINT.can(complaint, "correct"):
        raise InvalidTransition(_("No correction is requested."))
    clock = running_deadline(subject=complaint, clock="complaint.correction")
    if clock is not None and now > clock.due_at:
        raise RuleViolation(
            _("The time to correct closed on %(due)s; the complaint is not accepted."),
            params={"due": _local(clock.due_at)}, code="late",
            basis=rule("complaint.correction").basis)
    files = list(files or ())
    request, facts = (request or "").strip(), (facts or "").strip()
    if not (request or facts or files):
        raise DomainError(_("Give the corrected text or the missing files."),
                          code="nothing_corrected")
    _check_files(files)
    fields = ["corrected_at"]
    if request:
        complaint.request = request
        fields.append("request")
    if facts:
        complaint.facts = facts
        fields.append("facts")
    complaint.corrected_at = now
    transition(complaint, S.SUBMITTED, table=COMPLAINT, actor=user, now=now,
               update_fields=fields)
    _store(complaint, files, role=Evidence.Role.CORRECTION, user=user, now=now)
    _close_pause(complaint, now)
    deadline_meet(subject=complaint, clock="complaint.correction", at=now, actor=user, now=now)
    deadline_resume(subject=complaint, clock="complaint.review", at=now, actor=user)
    audit_record(action="complaint.correct", actor=user, organization=organization,
                 obj=complaint, detail={"fields": fields[1:], "files": len(files)}, ip=ip,
                 now=now)
    bureau = _bureau_for(complaint.challenge.project)
    _tell(complaint, [bureau], key="corrected", now=now, roles=BUREAU_ROLES,
          subject=f"投诉{complaint.number}已补正",
          body=f"{complaint.complainant.name}已补正投诉{complaint.number}，审查期限继续计算。")
    return complaint


@records_refusals()
@transaction.atomic
def complaint_accept(*, complaint: Complaint, user, organization: Organization | None = None,
                     now=None, ip=None) -> Complaint:
    """受理: the review clock is met and the decision's (30 WD from receipt, the
    correction time not counted — 条例 第58条) starts."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    complaint.accepted_at = now
    transition(complaint, S.ACCEPTED, table=COMPLAINT, actor=user, now=now,
               update_fields=["accepted_at"])
    deadline_meet(subject=complaint, clock="complaint.review", at=now, actor=user, now=now)
    deadline_open(subject=complaint, clock="complaint.decide", organization=bureau,
                  start=complaint.filed_at, now=now, actor=user)
    for pause in complaint.pauses.filter(kind=ComplaintPause.Kind.CORRECTION,
                                         ended_at__isnull=False):
        # The correction time is not counted: the same pause on the decision's clock.
        deadline_pause(subject=complaint, clock="complaint.decide", reason=pause.reason,
                       at=pause.started_at, actor=user)
        deadline_resume(subject=complaint, clock="complaint.decide", at=pause.ended_at,
                        actor=user)
    project = complaint.challenge.project
    # The copy goes to the respondent, which replies in writing (94号令 第22条).
    the_reply = rule("complaint.reply")
    reply_clock = deadline_open(
        subject=complaint, clock="complaint.reply", organization=respondent_of(project),
        start=now, now=now, actor=user,
        responsible_users=_people(*respondents(project)))
    audit_record(action="complaint.accept", actor=user, organization=bureau, obj=complaint,
                 detail={"reply_due_at": reply_clock.due_at.isoformat()}, ip=ip, now=now)
    _tell(complaint, [complaint.complainant], key="accepted", now=now,
          subject=f"投诉{complaint.number}已受理",
          body=f"财政部门已受理{complaint.complainant.name}就“{project.title}”（{project.code}）"
               f"提起的投诉{complaint.number}。")
    _tell(complaint, respondents(project), key="accepted-respondent", now=now,
          subject=f"投诉答复通知：{complaint.number}",
          body=f"财政部门已受理{complaint.complainant.name}就“{project.title}”（{project.code}）"
               f"提起的投诉{complaint.number}，投诉书副本见平台。请于{_local(reply_clock.due_at)}"
               f"前（{the_reply.amount}个工作日内）以书面形式作出说明，并提交相关证据、依据和"
               f"其他有关材料（{the_reply.basis}）。")
    _tell(complaint, concerned_suppliers(complaint), key="accepted-concerned", now=now,
          subject=f"投诉书副本：{complaint.number}",
          body=f"财政部门已受理{complaint.complainant.name}就“{project.title}”（{project.code}）"
               f"提起的投诉{complaint.number}，您作为与投诉事项有关的供应商收到投诉书副本。"
               f"投诉人请求：{complaint.request[:200]}（{BASIS_REPLY}）",
          link=reverse("disclosure:notice-list"))
    return complaint


def respondents(project) -> list[Organization]:
    """The respondents (被投诉人): the purchaser and, when entrusted, its agency."""
    return [o for o in (project.purchaser, project.agency) if o is not None]


def respondent_of(project) -> Organization:
    """Who answers for the procurement: the entrusted agency, else the purchaser."""
    return project.agency if project.agency_id else project.purchaser


# --- the respondent's reply ----------------------------------------------------------------

@records_refusals()
@transaction.atomic
def complaint_reply(*, complaint: Complaint, user, organization: Organization, text: str,
                    files=(), now=None, ip=None) -> Complaint:
    """The respondent (the purchaser or its agency) replies in writing to the accepted
    complaint with its explanation and evidence, within ``complaint.reply`` of receiving
    the copy (94号令 第22条). Once; the finance bureau reads it with the complaint and the
    decision cites it. Refused, nothing saved: another organisation than the project's
    purchaser or agency; a complaint not under investigation; a second reply; a reply
    after the deadline (a respondent silent in time is taken to waive its explanation)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    project = complaint.challenge.project
    the_rule = rule("complaint.reply")
    if organization is None or organization.pk not in {o.pk for o in respondents(project)}:
        raise PermissionDenied(_("Only the purchaser or the agency of the project replies to "
                                 "the complaint."), code="not_respondent")
    require_role(user, organization, *OFFICERS)
    if complaint.replied_at is not None:
        raise RuleViolation(_("The respondent replied on %(at)s already: the reply is given "
                              "once."), params={"at": _local(complaint.replied_at)},
                            code="replied_once", basis=the_rule.basis)
    if complaint.status != S.ACCEPTED:
        raise InvalidTransition(_("Only a complaint accepted and under investigation is "
                                  "replied to."))
    clock = running_deadline(subject=complaint, clock="complaint.reply")
    if clock is not None and now > clock.due_at:
        raise RuleViolation(
            _("The time to reply closed on %(due)s (%(days)s working days after the copy of "
              "the complaint was sent)."),
            params={"due": _local(clock.due_at), "days": the_rule.amount}, code="late",
            basis=the_rule.basis)
    text = _text(text, "text", _("Give your explanation of the matters complained of."))
    files = list(files or ())
    _check_files(files)
    complaint.reply_text = text
    complaint.replied_at = now
    complaint.replied_by = user
    complaint.reply_organization = organization
    complaint.save(update_fields=["reply_text", "replied_at", "replied_by",
                                  "reply_organization"])
    _store(complaint, files, role=Evidence.Role.ANSWER, user=user, now=now)
    deadline_meet(subject=complaint, clock="complaint.reply", at=now, actor=user, now=now)
    audit_record(action="complaint.reply", actor=user, organization=organization,
                 obj=complaint, detail={"files": len(files), "basis": the_rule.basis},
                 ip=ip, now=now)
    _tell(complaint, [_bureau_for(project)], key="replied", now=now, roles=BUREAU_ROLES,
          subject=f"被投诉人已答复：{complaint.number}",
          body=f"{organization.name}已就投诉{complaint.number}（“{project.title}”）提交书面说明"
               f"及证据（{the_rule.basis}）。")
    return complaint


@records_refusals()
@transaction.atomic
def complaint_reject(*, complaint: Complaint, user, reason: str,
                     organization: Organization | None = None, now=None,
                     ip=None) -> Complaint:
    """不予受理, with the reason (94号令 第21条). While corrections are awaited, only once
    the time to correct has passed."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    reason = _text(reason, "reason", _("Give the reason for not accepting the complaint."))
    if complaint.status == S.CORRECTING:
        clock = running_deadline(subject=complaint, clock="complaint.correction")
        if clock is not None and now <= clock.due_at:
            raise RuleViolation(
                _("The complainant may correct until %(due)s: decide after that."),
                params={"due": _local(clock.due_at)}, code="correction_running",
                basis=BASIS_REVIEW)
    complaint.reject_reason = reason
    complaint.closed_at = now
    transition(complaint, S.REJECTED, table=COMPLAINT, actor=user, now=now, reason=reason,
               update_fields=["reject_reason", "closed_at"])
    _close_pause(complaint, now)
    for clock in ("complaint.review", "complaint.correction"):
        deadline_meet(subject=complaint, clock=clock, at=now, actor=user, now=now)
    _lift_suspension(complaint, user=user, bureau=bureau, now=now, ip=ip)
    audit_record(action="complaint.reject", actor=user, organization=bureau, obj=complaint,
                 detail={"reason": reason}, ip=ip, now=now)
    _tell(complaint, [complaint.complainant], key="rejected", now=now,
          subject=f"投诉{complaint.number}不予受理",
          body=f"投诉{complaint.number}不予受理，理由：{reason}（{BASIS_REVIEW}）。"
               f"如不服，可依法申请行政复议或提起行政诉讼。")
    return complaint


@records_refusals()
@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, user, organization: Organization,
                       reason: str = "", now=None, ip=None) -> Complaint:
    """The complainant withdraws in writing: the procedure ends and the parties are told
    (94号令 第27条)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    if organization.pk != complaint.complainant_id:
        raise PermissionDenied(_("Only the complainant withdraws its complaint."))
    require_role(user, organization, *OFFICERS)
    complaint.closed_at = now
    transition(complaint, S.WITHDRAWN, table=COMPLAINT, actor=user, now=now,
               reason=(reason or "").strip(), update_fields=["closed_at"])
    _close_pause(complaint, now)
    for clock in ("complaint.review", "complaint.correction", "complaint.decide",
                  "complaint.reply"):
        deadline_meet(subject=complaint, clock=clock, at=now, actor=user, now=now)
    _lift_suspension(complaint, user=None, bureau=None, now=now, ip=ip)
    audit_record(action="complaint.withdraw", actor=user, organization=organization,
                 obj=complaint, detail={"reason": (reason or "").strip(),
                                        "basis": BASIS_WITHDRAW}, ip=ip, now=now)
    project = complaint.challenge.project
    _tell(complaint, [_bureau_for(project), project.purchaser, project.agency],
          key="withdrawn", now=now, roles=BUREAU_ROLES,
          subject=f"投诉{complaint.number}已撤回",
          body=f"{complaint.complainant.name}已撤回投诉{complaint.number}，投诉处理程序终止"
               f"（{BASIS_WITHDRAW}）。")
    return complaint


# --- investigation ---------------------------------------------------------------------

PAUSE_KINDS = (ComplaintPause.Kind.TESTING, ComplaintPause.Kind.EXPERT_REVIEW)


@records_refusals()
@transaction.atomic
def complaint_pause(*, complaint: Complaint, user, kind: str, reason: str,
                    organization: Organization | None = None, now=None,
                    ip=None) -> ComplaintPause:
    """Testing, inspection or expert review: not counted in the decision's 30 WD
    (条例 第58条)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    if complaint.status != S.ACCEPTED:
        raise InvalidTransition(_("Only an accepted complaint under investigation is "
                                  "paused."))
    if kind not in PAUSE_KINDS:
        raise DomainError(_("Choose testing or expert review."), code="kind", field="kind")
    reason = _text(reason, "reason", _("Say what is tested or reviewed, and by whom."))
    if complaint.pauses.filter(ended_at__isnull=True).exists():
        raise InvalidTransition(_("The decision's clock is paused already."))
    pause = ComplaintPause.objects.create(complaint=complaint, kind=kind, reason=reason,
                                          started_at=now)
    deadline_pause(subject=complaint, clock="complaint.decide", reason=reason, at=now,
                   actor=user)
    audit_record(action="complaint.pause", actor=user, organization=bureau, obj=complaint,
                 detail={"kind": kind, "reason": reason,
                         "basis": rule("complaint.decide").basis}, ip=ip, now=now)
    return pause


@records_refusals()
@transaction.atomic
def complaint_resume(*, complaint: Complaint, user, organization: Organization | None = None,
                     now=None, ip=None) -> Complaint:
    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    pause = _close_pause(complaint, now)
    if pause is None or complaint.status != S.ACCEPTED:
        raise InvalidTransition(_("The decision's clock is not paused."))
    deadline = deadline_resume(subject=complaint, clock="complaint.decide", at=now,
                               actor=user)
    audit_record(action="complaint.resume", actor=user, organization=bureau, obj=complaint,
                 detail={"kind": pause.kind, "due_at": deadline.due_at.isoformat()
                         if deadline else None}, ip=ip, now=now)
    return complaint


def _unsigned_contracts(project):
    from contracts.models import Contract

    return Contract.objects.filter(award__lot__project=project,
                                   status__in=[Contract.Status.DRAFT, Contract.Status.SIGNING])


def _suspension_tag(complaint: Complaint) -> str:
    return f"投诉{complaint.number}"


@records_refusals()
@transaction.atomic
def complaint_suspend_procurement(*, complaint: Complaint, user, days: int, reason: str,
                                  organization: Organization | None = None, now=None,
                                  ip=None) -> Complaint:
    """Suspend the procurement while the complaint is handled, at most
    ``complaint.suspend_max`` days (法 第57条): the purchaser (and agency) are told in
    writing and the signing of the project's unsigned contracts is suspended."""
    from contracts.services import contract_signing_suspend

    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    the_rule = rule("complaint.suspend_max")
    if complaint.status not in OPEN:
        raise InvalidTransition(_("Only a complaint being handled suspends the procurement."))
    if complaint.procurement_suspended_at and complaint.procurement_resumed_at is None:
        raise InvalidTransition(_("The procurement is suspended already."))
    if complaint.procurement_suspended_at is not None:
        raise RuleViolation(_("The procurement was suspended once for this complaint already."),
                            code="suspended_once", basis=the_rule.basis)
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if days < 1 or days > int(the_rule.amount):
        raise RuleViolation(
            _("The procurement may be suspended for 1 to %(max)s days."),
            params={"max": the_rule.amount}, code="suspension_too_long",
            basis=the_rule.basis, field="days")
    reason = _text(reason, "reason", _("Give the reason for the suspension."))
    until = compute_due(start=now, amount=days, unit=Unit.DAYS).at
    complaint.procurement_suspended_at = now
    complaint.procurement_suspended_until = until
    complaint.save(update_fields=["procurement_suspended_at", "procurement_suspended_until"])
    # The bureau is reminded, and alerted when the period runs out, to lift it.
    deadline_open(subject=complaint, clock="complaint.suspend_max", organization=bureau,
                  start=now, due_at=until, now=now, actor=user)
    project = complaint.challenge.project
    contracts = list(_unsigned_contracts(project).filter(suspended_reason=""))
    for contract in contracts:
        contract_signing_suspend(contract=contract, actor=user, organization=bureau, now=now,
                                 reason=f"{_suspension_tag(complaint)}：{reason}"
                                        f"（{the_rule.basis}，至{_local(until)}）", ip=ip)
    audit_record(action="complaint.suspend_procurement", actor=user, organization=bureau,
                 obj=complaint, detail={"days": days, "until": until.isoformat(),
                                        "reason": reason, "basis": the_rule.basis,
                                        "contracts": [c.pk for c in contracts]}, ip=ip, now=now)
    _tell(complaint, [project.purchaser, project.agency, complaint.complainant],
          key="suspended", now=now, subject=f"暂停采购活动：{project.title}",
          body=f"因处理投诉{complaint.number}，财政部门通知暂停“{project.title}”（{project.code}）"
               f"的采购活动至{_local(until)}（{the_rule.basis}）：{reason}")
    return complaint


def _lift_suspension(complaint: Complaint, *, user, bureau, now, ip=None) -> bool:
    from contracts.services import contract_signing_resume

    if complaint.procurement_suspended_at is None or complaint.procurement_resumed_at:
        return False
    complaint.procurement_resumed_at = now
    complaint.save(update_fields=["procurement_resumed_at"])
    deadline_meet(subject=complaint, clock="complaint.suspend_max", at=now, actor=user, now=now)
    project = complaint.challenge.project
    for contract in _unsigned_contracts(project).filter(
            suspended_reason__startswith=_suspension_tag(complaint)):
        contract_signing_resume(contract=contract, actor=user, organization=bureau, now=now,
                                ip=ip)
    _tell(complaint, [project.purchaser, project.agency], key="procurement-resumed", now=now,
          subject=f"恢复采购活动：{project.title}",
          body=f"投诉{complaint.number}相关的“{project.title}”（{project.code}）采购活动恢复。")
    return True


@records_refusals()
@transaction.atomic
def complaint_resume_procurement(*, complaint: Complaint, user,
                                 organization: Organization | None = None, now=None,
                                 ip=None) -> Complaint:
    """The finance bureau lifts the suspension; with no ``user``, the system does, once
    the suspension's period has run out (法 第57条: at most 30 days)."""
    now = now or timezone.now()
    complaint = _locked(complaint)
    if user is None:
        until = complaint.procurement_suspended_until
        if until is None or now < until:
            raise InvalidTransition(_("The suspension's period has not run out: only the "
                                      "finance bureau resumes the procurement earlier."))
        bureau = _bureau_for(complaint.challenge.project)
    else:
        bureau = _require_bureau(user, organization)
    if not _lift_suspension(complaint, user=user, bureau=bureau, now=now, ip=ip):
        raise InvalidTransition(_("The procurement is not suspended."))
    audit_record(action="complaint.resume_procurement", actor=user, organization=bureau,
                 obj=complaint, detail={"automatic": user is None,
                                        "basis": rule("complaint.suspend_max").basis},
                 ip=ip, now=now)
    return complaint


def suspensions_lapsed(now):
    """The complaints whose suspension of the procurement has run out, not yet lifted."""
    return (Complaint.objects.filter(procurement_suspended_until__lte=now,
                                     procurement_suspended_at__isnull=False,
                                     procurement_resumed_at__isnull=True)
            .order_by("procurement_suspended_until", "pk"))


def complaint_suspensions_lift(*, now=None) -> list[Complaint]:
    """The beat's sweep: each suspension whose period has run out is lifted by the system
    (``complaint_resume_procurement`` with no user), each in its own transaction. Run
    twice, or two at once, it is lifted once: each row is re-read under its lock (one
    another run holds is skipped), and a lifted suspension has its
    ``procurement_resumed_at``."""
    now = now or timezone.now()
    lifted = []
    for pk in list(suspensions_lapsed(now).values_list("pk", flat=True)):
        with transaction.atomic():
            # Still lapsed once locked; a row another run holds is that run's to lift.
            complaint = (suspensions_lapsed(now).filter(pk=pk)
                         .select_for_update(skip_locked=True).first())
            if complaint is not None:
                lifted.append(complaint_resume_procurement(complaint=complaint, user=None,
                                                           now=now))
    return lifted


# --- decision -----------------------------------------------------------------------------

def concerned_suppliers(complaint: Complaint) -> list[Organization]:
    """The other suppliers concerned: those that bid in the project, but the complainant."""
    from procurement.models import Bid

    ids = (Bid.objects.filter(lot__project=complaint.challenge.project)
           .exclude(supplier=complaint.complainant_id)
           .values_list("supplier_id", flat=True).distinct())
    return list(Organization.objects.filter(pk__in=list(ids)).order_by("pk"))


@records_refusals()
@transaction.atomic
def complaint_decide(*, complaint: Complaint, outcome: str, decision_text: str,
                     decision_basis: str, false_materials: bool = False,
                     malicious: bool = False, user, organization: Organization | None = None,
                     now=None, ip=None) -> Complaint:
    """投诉处理决定 (法 第56条; 94号令 第31条): the decision PDF with the parties, the
    matters, the facts found, the decision, its basis and the right to reconsideration or
    litigation (法 第58条), stored with its SHA-256; the decide clock met; a suspension
    lifted; the parties served and the decision published (条例 第58条).
    ``complaint_decided`` is sent on commit (credit records for false materials or a
    malicious complaint are written by its receiver)."""
    from ..pdf import render_decision

    now = now or timezone.now()
    complaint = _locked(complaint)
    bureau = _require_bureau(user, organization)
    if not COMPLAINT.can(complaint, "decide"):
        raise InvalidTransition(_("Only an accepted complaint is decided."))
    if outcome not in Complaint.Outcome.values:
        raise DomainError(_("Choose the decision."), code="outcome", field="outcome")
    decision_text = _text(decision_text, "decision_text",
                          _("Give the facts found and the reasons of the decision."))
    decision_basis = _text(decision_basis, "decision_basis", _("Give the legal basis."))
    if (false_materials or malicious) and outcome != Complaint.Outcome.DISMISSED:
        raise DomainError(_("False materials or a malicious complaint are found only where "
                            "the complaint is dismissed."), code="finding_outcome",
                          field="outcome")
    if complaint.pauses.filter(ended_at__isnull=True).exists():
        _close_pause(complaint, now)
        deadline_resume(subject=complaint, clock="complaint.decide", at=now, actor=user)
    complaint.outcome = outcome
    complaint.decision_text = decision_text
    complaint.decision_basis = decision_basis[:300]
    complaint.false_materials = bool(false_materials)
    complaint.malicious = bool(malicious)
    complaint.decided_by = user
    complaint.decided_at = now
    complaint.published_at = now
    complaint.closed_at = now
    pdf = render_decision(complaint, bureau=bureau, now=now)
    complaint.decision_sha256 = hashlib.sha256(pdf).hexdigest()
    complaint.decision_pdf.save(f"{complaint.number}.pdf", ContentFile(pdf), save=False)
    transition(complaint, S.DECIDED, table=COMPLAINT, actor=user, now=now,
               update_fields=["outcome", "decision_text", "decision_basis", "false_materials",
                              "malicious", "decided_by", "decided_at", "published_at",
                              "closed_at", "decision_pdf", "decision_sha256"])
    deadline_meet(subject=complaint, clock="complaint.decide", at=now, actor=user, now=now)
    # The respondent silent until the decision has waived its explanation.
    deadline_meet(subject=complaint, clock="complaint.reply", at=now, actor=user, now=now)
    _lift_suspension(complaint, user=user, bureau=bureau, now=now, ip=ip)
    audit_record(action="complaint.decide", actor=user, organization=bureau, obj=complaint,
                 detail={"outcome": outcome, "basis": decision_basis,
                         "false_materials": complaint.false_materials,
                         "malicious": complaint.malicious,
                         "sha256": complaint.decision_sha256}, ip=ip, now=now)
    project = complaint.challenge.project
    body = (f"财政部门已对投诉{complaint.number}（“{project.title}”，{project.code}）作出处理"
            f"决定：{OUTCOME_ZH[outcome]}。决定书已公告，可在平台查阅下载。")
    subject = f"投诉处理决定书：{complaint.number}"
    _tell(complaint, [complaint.complainant, project.purchaser, project.agency],
          key="decided", now=now, subject=subject, body=body)
    _tell(complaint, concerned_suppliers(complaint), key="decided-concerned", now=now,
          subject=subject, body=body,
          link=reverse("complaints:complaint-decision-public", args=[complaint.pk]))
    send_on_commit(complaint_decided, sender=Complaint, complaint=complaint)
    return complaint
