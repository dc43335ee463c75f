"""质疑: a supplier's written challenge of the documents, a stage of the procedure or the
result, answered item by item by the purchaser or its agency within 7 working days.

- ``challenge_file``: refused — nothing saved — when late, without standing, without
  objections or with a bad file (法 第52条; 条例 第53条; 94号令 第10条、第11条);
- ``challenge_message_post``: the reviewer's thread with each party;
- ``challenge_reject`` / ``challenge_withdraw``;
- ``challenge_mark_may_change_result``: signing of the project's contracts is suspended
  (条例 第54条) and resumed when no such challenge is pending any more;
- ``challenge_answer``: every objection answered, the outcome derived, the answer copied
  to the challenger and the other suppliers concerned (法 第53条) and published.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import OFFICERS, PURCHASER_STAFF, has_role, is_supervisor
from audit.services import audit_record
from contracts.models import Contract
from contracts.services import contract_signing_resume, contract_signing_suspend
from contracts.steps import CONTRACT, SIGNING_STEPS
from core import uploads
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.locks import advisory_lock
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.clock import local_date
from deadlines.services import deadline_meet, deadline_open, deadline_pause, deadline_resume
from notifications.services import notify
from procurement.models import Award, Bid, DocumentDownload, Lot, Project
from rules.registry import rule

from ..models import Challenge, ChallengeMessage, Evidence, Objection
from ..numbering import next_number
from ..signals import challenge_answered
from ..steps_challenges import CHALLENGE
from ..windows import CLOSED, NOT_YET, challenge_windows, window_for
from .inquiries import (
    is_reviewer,
    people,
    require_reviewer,
    require_supplier,
    reviewer_orgs,
    text,
)

ACTIONS = {
    "challenge.file": _("Challenge filed"),
    "challenge.file_refused": _("Challenge refused"),
    "challenge.message_post": _("Message in a challenge's thread"),
    "challenge.message_post_refused": _("Message in a challenge's thread refused"),
    "challenge.reject": _("Challenge rejected"),
    "challenge.reject_refused": _("Rejection of a challenge refused"),
    "challenge.withdraw": _("Challenge withdrawn"),
    "challenge.withdraw_refused": _("Withdrawal of a challenge refused"),
    "challenge.mark_may_change_result": _("Challenge marked as possibly changing the result"),
    "challenge.mark_may_change_result_refused": _(
        "Marking a challenge as possibly changing the result refused"),
    "challenge.answer": _("Challenge answered"),
    "challenge.answer_refused": _("Answer to a challenge refused"),
}

CATEGORY = "complaints.challenge"
SUSPEND_BASIS = "条例 第54条"
# Not in RULES.md: verify the article.
REVOKE_BASIS = "94号令 第16条（verify）"
ANSWER_BASIS = "法 第53条"
MAX_OBJECTIONS = 20
MAX_FILES = 10
T, S = Challenge.Trigger, Challenge.Status


def register():
    from contracts.holds import register_signing_hold
    from deadlines.links import register_task_url
    from notifications.categories import register_category

    register_category(CATEGORY, _("Challenges (质疑) about procurement projects"),
                      statutory=True)
    register_task_url(Challenge, lambda challenge, user: reverse(
        "complaints:challenge-detail", args=[challenge.pk]))
    register_signing_hold(signing_hold)
    from procurement.signals import award_confirmed

    award_confirmed.connect(hold_on_award_confirmed,
                            dispatch_uid="complaints.hold_on_award_confirmed")
    from procurement.panels import register_panel

    from ..views.challenges import windows_panel
    register_panel(windows_panel)


# --- reads the services share ----------------------------------------------------------

def concerned_suppliers(project: Project, *, besides=None) -> list[Organization]:
    """The suppliers a challenge's answer concerns (法 第53条): the project's bidders and
    those who obtained its documents, less ``besides``."""
    ids = set(Bid.objects.filter(lot__project=project).exclude(status=Bid.Status.WITHDRAWN)
              .values_list("supplier_id", flat=True))
    ids |= set(DocumentDownload.objects.filter(project=project)
               .values_list("supplier_id", flat=True))
    ids.discard(getattr(besides, "pk", besides))
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def suspending(project: Project, *, besides=None):
    """The project's pending challenges marked as possibly changing the result."""
    qs = Challenge.objects.filter(project=project, status=S.PENDING, may_change_result=True)
    return qs.exclude(pk=besides.pk) if besides is not None else qs


def signing_hold(award: Award) -> str:
    """For ``contracts.holds``: a contract drafted while such a challenge is pending is
    drafted suspended."""
    challenge = suspending(award.lot.project).order_by("filed_at").first()
    return _suspend_reason(challenge) if challenge else ""


def hold_on_award_confirmed(sender, award, **kwargs):
    """An award confirmed while a challenge that may change the result is pending: its
    signing clock pauses from its start, the confirmation (条例 第54条); the contract
    drafted later is drafted suspended (``signing_hold``). Runs after procurement's
    commit."""
    challenge = suspending(award.lot.project).order_by("filed_at").first()
    if challenge is not None:
        deadline_pause(subject=award, clock="contract.sign",
                       reason=_suspend_reason(challenge), at=award.confirmed_at)


def _suspend_reason(challenge: Challenge) -> str:
    return f"质疑{challenge.number}可能影响中标、成交结果，暂停签订合同（{SUSPEND_BASIS}）"


def _locked(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update(of=("self",)).select_related(
        "project__purchaser", "project__agency", "supplier").get(pk=challenge.pk)


def _next_number(now) -> str:
    return next_number(Challenge, "ZY", now)


def _date(moment) -> str:
    return f"{local_date(moment):%Y-%m-%d}" if moment else "—"


def _tell(challenge: Challenge, organizations, *, key: str, subject: str, body: str,
          now, link: str = "") -> None:
    recipients = people(*organizations)
    if recipients:
        notify(event_key=f"challenge:{challenge.pk}:{key}", recipients=recipients,
               category=CATEGORY, subject=subject, body=f"【春风政采】{body}",
               link=link or challenge.get_absolute_url(), now=now)


# --- filing ----------------------------------------------------------------------------

def _check_window(project, supplier, trigger, lot, now):
    windows = challenge_windows(project=project, supplier=supplier, now=now)
    window = window_for(windows, trigger=trigger, lot=lot)
    basis = window.basis if window else rule("challenge.file").basis
    if window is None:
        raise RuleViolation(_("There is nothing of this kind to challenge in this project "
                              "yet."), code="no_window", basis=basis, field="trigger")
    if not window.standing:
        if window.closes_at:
            raise RuleViolation(
                _("%(reason)s Only a supplier concerned may challenge “%(what)s”; the window "
                  "for those concerned closes on %(date)s."),
                params={"reason": window.reason, "what": window.label,
                        "date": _date(window.closes_at)},
                code="no_standing", basis=basis, field="trigger")
        raise RuleViolation(_("%(reason)s Only a supplier concerned may challenge “%(what)s”."),
                            params={"reason": window.reason, "what": window.label},
                            code="no_standing", basis=basis, field="trigger")
    if window.state == NOT_YET:
        raise RuleViolation(_("The window to challenge “%(what)s” is not open yet."),
                            params={"what": window.label}, code="window_not_open",
                            basis=basis, field="trigger")
    if window.state == CLOSED:
        raise RuleViolation(
            _("The window to challenge “%(what)s” closed on %(date)s (%(n)s working days "
              "after the supplier knew); this challenge is late."),
            params={"what": window.label, "date": _date(window.closes_at),
                    "n": rule("challenge.file").amount},
            code="challenge_late", basis=basis, field="trigger")
    return window


def _objections(project: Project, objections) -> list[dict]:
    if not objections:
        raise DomainError(_("State at least one objection: what it relates to, the legal "
                            "ground, the facts and the remedy you request."),
                          code="no_objections", field="objections")
    if len(objections) > MAX_OBJECTIONS:
        raise DomainError(_("At most %(n)s objections in one challenge."),
                          params={"n": MAX_OBJECTIONS}, field="objections")
    lots = {lot.pk: lot for lot in project.lots.all()}
    cleaned = []
    for item in objections:
        relates_to = item.get("relates_to") or ""
        if relates_to not in Objection.RelatesTo.values:
            raise DomainError(_("Say what each objection relates to."),
                              field="objections", code="relates_to")
        lot = item.get("lot")
        lot_id = getattr(lot, "pk", lot) or None
        if lot_id is not None and int(lot_id) not in lots:
            raise DomainError(_("The lot is not one of this project's."),
                              field="objections", code="lot")
        cleaned.append({
            "relates_to": relates_to, "lot": lots.get(int(lot_id)) if lot_id else None,
            "legal_ground": text(item.get("legal_ground"), field="objections"),
            "facts": text(item.get("facts"), field="objections", minimum=10),
            "remedy_requested": text(item.get("remedy_requested"), field="objections")})
    return cleaned


@records_refusals()
@transaction.atomic
def challenge_file(*, project: Project, supplier: Organization, user, trigger: str,
                   objections: list[dict], contact_name: str, contact_phone: str,
                   files=(), idempotency_key: str = "", now=None, ip=None) -> Challenge:
    """File a 质疑 in writing (法 第52条; 条例 第53条; 94号令 第10条–第12条).

    1. a repeated ``idempotency_key`` returns the first filing (under the supplier's lock,
       so a double submit never makes two);
    2. the supplier's window for ``trigger`` (about the objections' lot) must be open and
       the supplier have standing — else refused with the date the window closed and the
       basis, and nothing saved;
    3. at least one objection, each with its legal ground, facts and remedy requested;
       every evidence file checked by content (``core.uploads.check``);
    4. numbered ``ZY-<year>-<nnnn>``; the reviewer's 7-working-day clock
       ``challenge.answer`` starts and the purchaser's and agency's officers are told."""
    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip()[:100]
    require_supplier(user, supplier)
    advisory_lock("complaints", "challenge-file", supplier.pk)
    if idempotency_key:
        replay = Challenge.objects.filter(supplier=supplier,
                                          idempotency_key=idempotency_key).first()
        if replay is not None:
            replay.replayed = True
            return replay
    project = Project.objects.select_related("purchaser", "agency").get(pk=project.pk)
    if trigger not in T.values:
        raise DomainError(_("Say what is challenged."), field="trigger", code="trigger")
    cleaned = _objections(project, objections)
    named = {o["lot"].pk for o in cleaned if o["lot"]}
    window = _check_window(project, supplier, trigger,
                           next(iter(named)) if len(named) == 1 else None, now)
    contact_name = text(contact_name, field="contact_name", minimum=2)
    contact_phone = text(contact_phone, field="contact_phone", minimum=5)
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(n)s files."), params={"n": MAX_FILES}, field="files")
    kinds = [uploads.check(f.name, f.data) for f in files]
    challenge = Challenge(
        number=_next_number(now), project=project, supplier=supplier, filed_by=user,
        trigger=trigger, window_opened_at=window.opened_at, window_closes_at=window.closes_at,
        filed_at=now, contact_name=contact_name, contact_phone=contact_phone,
        idempotency_key=idempotency_key)
    try:
        with transaction.atomic():
            challenge.save(force_insert=True)
    except IntegrityError:
        replay = Challenge.objects.filter(supplier=supplier,
                                          idempotency_key=idempotency_key).first()
        if idempotency_key and replay is not None:
            replay.replayed = True
            return replay
        raise
    Objection.objects.bulk_create(Objection(challenge=challenge, number=i, **o)
                                  for i, o in enumerate(cleaned, start=1))
    for f, kind in zip(files, kinds, strict=True):
        evidence = Evidence(challenge=challenge, role=Evidence.Role.EVIDENCE,
                            name=f.name[:200], kind=kind, size=len(f.data),
                            sha256=hashlib.sha256(f.data).hexdigest(), uploaded_by=user,
                            uploaded_at=now)
        evidence.blob.save(f.name, ContentFile(f.data), save=False)
        evidence.save()
    answering = project.agency if project.agency_id else project.purchaser
    deadline_open(subject=challenge, clock="challenge.answer", organization=answering,
                  start=now, now=now, actor=user,
                  responsible_users=people(*reviewer_orgs(project)))
    audit_record(action="challenge.file", actor=user, organization=supplier, obj=challenge,
                 detail={"project": project.code, "trigger": trigger, "window": window.key,
                         "closes_at": window.closes_at.isoformat(),
                         "objections": len(cleaned), "files": len(files)}, ip=ip, now=now)
    _tell(challenge, reviewer_orgs(project), key="filed", now=now,
          subject=f"{project.code} 收到质疑{challenge.number}",
          body=f"{supplier.name}就“{project.title}”提出质疑（{challenge.number}），请在"
               f"{rule('challenge.answer').amount}个工作日内书面答复（{ANSWER_BASIS}）。")
    return challenge


# --- the thread ------------------------------------------------------------------------

def thread_parties(challenge: Challenge) -> list[Organization]:
    """Who the reviewer may talk with: the challenger, then the other suppliers concerned."""
    return [challenge.supplier, *concerned_suppliers(challenge.project,
                                                     besides=challenge.supplier)]


@records_refusals()
@transaction.atomic
def challenge_message_post(*, challenge: Challenge, user, organization: Organization,
                           body: str, party: Organization | None = None, now=None,
                           ip=None) -> ChallengeMessage:
    """A message in the thread between the reviewer and one party. The reviewer names
    the party; a supplier writes in its own thread only, and only as a party."""
    now = now or timezone.now()
    challenge = _locked(challenge)
    project = challenge.project
    parties = {o.pk: o for o in thread_parties(challenge)}
    if is_reviewer(organization, project):
        require_reviewer(user, organization, project)
        if party is None or party.pk not in parties:
            raise DomainError(_("Choose the party to write to: the challenger or another "
                                "supplier concerned."), field="party", code="party")
        to = [parties[party.pk]]
    elif organization is not None and organization.pk in parties:
        require_supplier(user, organization)
        if party is not None and party.pk != organization.pk:
            raise PermissionDenied(_("You write in your own thread only."))
        party = organization
        to = reviewer_orgs(project)
    else:
        raise PermissionDenied(_("Only the reviewer and the parties write in this thread."))
    if challenge.status != S.PENDING:
        raise InvalidTransition(_("The challenge is closed: its thread is closed too."))
    message = ChallengeMessage.objects.create(
        challenge=challenge, party=parties[party.pk], author=user, author_org=organization,
        body=text(body, field="body", minimum=2), at=now)
    audit_record(action="challenge.message_post", actor=user, organization=organization,
                 obj=challenge, detail={"party": party.pk, "message": message.pk},
                 ip=ip, now=now)
    _tell(challenge, to, key=f"message:{message.pk}", now=now,
          subject=f"质疑{challenge.number}：新消息",
          body=f"{organization.name}就质疑{challenge.number}（{project.code}）发来消息。")
    return message


# --- suspension of signing ---------------------------------------------------------------

def _awards(project: Project) -> list[Award]:
    """The project's live awards (a revoked one has no signing left to hold)."""
    return list(Award.objects.filter(lot__project=project, revoked_at__isnull=True)
                .select_related("lot"))


def _suspend_signing(challenge: Challenge, *, now) -> int:
    """Suspend signing of every unsigned contract of the project; an award not yet
    drafted has its ``contract.sign`` clock paused here, and the contract drafted later
    is drafted suspended (``contracts.holds``). How many awards were held."""
    reason = _suspend_reason(challenge)
    held = 0
    for award in _awards(challenge.project):
        contract = Contract.objects.filter(award=award).first()
        if contract is None:
            deadline_pause(subject=award, clock="contract.sign", reason=reason, at=now)
            held += 1
        elif any(CONTRACT.can(contract, step) for step in SIGNING_STEPS):
            if not contract.suspended_reason:
                contract_signing_suspend(contract=contract, reason=reason, now=now)
            held += 1
    return held


def _resume_signing(challenge: Challenge, *, now) -> None:
    """When no other pending challenge of the project holds signing, resume it."""
    if not challenge.may_change_result or challenge.resumed_at:
        return
    challenge.resumed_at = now
    challenge.save(update_fields=["resumed_at"])
    if suspending(challenge.project, besides=challenge).exists():
        return
    for award in _awards(challenge.project):
        contract = Contract.objects.filter(award=award).first()
        if contract is None:
            deadline_resume(subject=award, clock="contract.sign", at=now)
        elif contract.suspended_reason and any(CONTRACT.can(contract, step)
                                               for step in SIGNING_STEPS):
            contract_signing_resume(contract=contract, now=now)


def may_mark(user, organization, challenge: Challenge) -> bool:
    if organization is None:
        return False
    if is_supervisor(organization):
        return has_role(user, organization, *PURCHASER_STAFF)
    return is_reviewer(organization, challenge.project) and has_role(user, organization,
                                                                     *OFFICERS)


@records_refusals()
@transaction.atomic
def challenge_mark_may_change_result(*, challenge: Challenge, user,
                                     organization: Organization, now=None,
                                     ip=None) -> Challenge:
    """The reviewer (or the finance bureau) finds that the challenge may change the
    result: signing of the project's unsigned contracts is suspended (条例 第54条) until
    it is answered, rejected or withdrawn and no other such challenge is pending."""
    now = now or timezone.now()
    challenge = _locked(challenge)
    if not may_mark(user, organization, challenge):
        raise PermissionDenied(_("Only the purchaser, its agency or the finance bureau "
                                 "suspends signing for a challenge."))
    if challenge.status != S.PENDING:
        raise InvalidTransition(_("Only a pending challenge can suspend signing."))
    if challenge.may_change_result:
        raise InvalidTransition(_("This challenge is marked already."))
    advisory_lock("complaints", "challenge-suspend", challenge.project_id)
    challenge.may_change_result, challenge.suspended_at = True, now
    challenge.save(update_fields=["may_change_result", "suspended_at"])
    held = _suspend_signing(challenge, now=now)
    audit_record(action="challenge.mark_may_change_result", actor=user,
                 organization=organization, obj=challenge,
                 detail={"awards_held": held, "basis": SUSPEND_BASIS}, ip=ip, now=now)
    _tell(challenge, [*reviewer_orgs(challenge.project), challenge.supplier],
          key="may-change-result", now=now,
          subject=f"质疑{challenge.number}：暂停签订合同",
          body=f"质疑{challenge.number}可能影响“{challenge.project.title}”的中标、成交结果，"
               f"合同签订暂停（{SUSPEND_BASIS}）。")
    return challenge


# --- closing ---------------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def challenge_reject(*, challenge: Challenge, reason: str, detail: str, user,
                     organization: Organization, now=None, ip=None) -> Challenge:
    """The reviewer rejects the challenge for a typed reason, with details; the clock is
    met and signing resumes if this challenge held it."""
    now = now or timezone.now()
    challenge = _locked(challenge)
    require_reviewer(user, organization, challenge.project)
    if reason not in Challenge.RejectReason.values:
        raise DomainError(_("Choose the reason for the rejection."), field="reason",
                          code="reason")
    challenge.reject_reason = reason
    challenge.reject_detail = text(detail, field="detail")
    challenge.answered_by, challenge.answered_for = user, organization
    challenge.answered_at = challenge.closed_at = now
    transition(challenge, S.REJECTED, table=CHALLENGE, actor=user, now=now, reason=reason,
               update_fields=["reject_reason", "reject_detail", "answered_by",
                              "answered_for", "answered_at", "closed_at"])
    deadline_meet(subject=challenge, clock="challenge.answer", at=now, actor=user, now=now)
    _resume_signing(challenge, now=now)
    audit_record(action="challenge.reject", actor=user, organization=organization,
                 obj=challenge, detail={"reason": reason}, ip=ip, now=now)
    _tell(challenge, [challenge.supplier], key="rejected", now=now,
          subject=f"质疑{challenge.number}不予受理",
          body=f"{organization.name}对贵单位的质疑{challenge.number}不予受理："
               f"{Challenge.RejectReason(reason).label}。")
    return challenge


@records_refusals()
@transaction.atomic
def challenge_withdraw(*, challenge: Challenge, user, organization: Organization,
                       now=None, ip=None) -> Challenge:
    """The challenger withdraws its challenge: the reviewer's duty to answer ends."""
    now = now or timezone.now()
    challenge = _locked(challenge)
    if organization is None or organization.pk != challenge.supplier_id:
        raise PermissionDenied(_("Only the challenger withdraws its challenge."))
    require_supplier(user, organization)
    challenge.closed_at = now
    transition(challenge, S.WITHDRAWN, table=CHALLENGE, actor=user, now=now,
               update_fields=["closed_at"])
    deadline_meet(subject=challenge, clock="challenge.answer", at=now, actor=user, now=now)
    _resume_signing(challenge, now=now)
    audit_record(action="challenge.withdraw", actor=user, organization=organization,
                 obj=challenge, ip=ip, now=now)
    _tell(challenge, reviewer_orgs(challenge.project), key="withdrawn", now=now,
          subject=f"质疑{challenge.number}已撤回",
          body=f"{organization.name}撤回了质疑{challenge.number}。")
    return challenge


def _outcome(decisions: list[str]) -> str:
    D = Objection.Decision
    if all(d == D.UPHELD for d in decisions):
        return Challenge.Outcome.UPHELD
    if all(d == D.DISMISSED for d in decisions):
        return Challenge.Outcome.DISMISSED
    return Challenge.Outcome.PARTLY


def _revocable_awards(challenge: Challenge) -> list[Award]:
    """The live awards the upheld (or partly upheld) objections reach: the lot an
    objection names, if awarded; every awarded lot of the project for an objection that
    relates to the award without naming a lot."""
    project = challenge.project
    live = Award.objects.filter(lot__project=project, revoked_at__isnull=True,
                                lot__status=Lot.Status.AWARDED).select_related("lot")
    reached = {}
    for o in challenge.objections.filter(decision__in=[Objection.Decision.UPHELD,
                                                       Objection.Decision.PARTLY]):
        if o.lot_id is not None:
            reached.update({a.pk: a for a in live if a.lot_id == o.lot_id})
        elif o.relates_to == Objection.RelatesTo.AWARD:
            reached.update({a.pk: a for a in live})
    return sorted(reached.values(), key=lambda a: a.lot.number)


def _apply_remedy(challenge: Challenge, remedy: str, *, user, organization, now,
                  ip) -> dict:
    """Carry the remedy out through procurement's own services (94号令 第16条, verify).

    REEVALUATE and RETENDER revoke each award the upheld objections reach
    (``award_revoke``), unless its contract is signed by both — then it is recorded as
    not revoked, for the finance bureau's decision on a complaint. REEVALUATE leaves the
    lot for the purchaser to confirm the next qualified candidate on its award page (or
    fails it when too few are left); RETENDER fails the lot. RETENDER then procures the
    failed lots again through ``project_retender`` when the purchaser answers (an
    agency's answer leaves that to the purchaser)."""
    project = challenge.project
    done = {"carried_out": False}
    if remedy not in (Challenge.Remedy.REEVALUATE, Challenge.Remedy.RETENDER):
        return done
    from procurement.services import award_revoke, project_retender, revocation_refusal

    revoked, kept = [], []
    for award in _revocable_awards(challenge):
        if revocation_refusal(award) is not None:
            kept.append(award.lot.number)
            continue
        award_revoke(award=award, actor=user, organization=organization, now=now, ip=ip,
                     reason=f"质疑{challenge.number}成立：{challenge.answer_summary}",
                     basis=f"质疑{challenge.number}答复; {REVOKE_BASIS}",
                     then="retender" if remedy == Challenge.Remedy.RETENDER else "next")
        revoked.append(award.lot.number)
    if revoked:
        done.update(carried_out=True, revoked_lots=revoked)
    if kept:
        done["signed_lots"] = kept
    if remedy != Challenge.Remedy.RETENDER or organization.pk != project.purchaser_id:
        return done
    if not project.lots.filter(status=Lot.Status.FAILED).exists() or \
            project.retenders.exclude(status__in=[Project.Status.FAILED,
                                                  Project.Status.CANCELLED]).exists():
        return done
    new = project_retender(project=project, actor=user, now=now, ip=ip)
    done.update(carried_out=True, retender=new.code)
    return done


@records_refusals()
@transaction.atomic
def challenge_answer(*, challenge: Challenge, answers: list[dict], summary: str,
                     remedy: str, user, organization: Organization, now=None,
                     ip=None) -> Challenge:
    """Answer in writing, objection by objection (法 第53条).

    1. every objection gets a decision and a written answer; the outcome is derived;
    2. a dismissed challenge changes nothing (remedy "none"); otherwise the remedy is
       recorded, and carried out through procurement's services: a re-evaluation or a
       re-tender revokes the awards the upheld objections reach before both signed, a
       re-tender fails those lots and procures them again (``_apply_remedy``);
    3. the clock is met, signing of the awards left resumes if this challenge held it;
    4. the answer is copied to the challenger and every other supplier concerned, and
       published (without the challenger's evidence and contact details);
       ``challenge_answered`` is sent after the commit."""
    now = now or timezone.now()
    challenge = _locked(challenge)
    require_reviewer(user, organization, challenge.project)
    if challenge.status != S.PENDING:
        raise InvalidTransition(_("Only a pending challenge is answered."))
    objections = {o.pk: o for o in challenge.objections.select_for_update()}
    given = {}
    for item in answers or []:
        objection = item.get("objection")
        pk = int(getattr(objection, "pk", objection) or 0)
        if pk not in objections or pk in given:
            raise DomainError(_("Answer each objection of this challenge once."),
                              field="answers", code="answers")
        decision = item.get("decision") or ""
        if decision not in Objection.Decision.values:
            raise DomainError(_("Give a decision on objection %(n)s."),
                              params={"n": objections[pk].number}, field="answers",
                              code="decision")
        given[pk] = (decision, text(item.get("answer"), field="answers"))
    missing = sorted(o.number for pk, o in objections.items() if pk not in given)
    if missing:
        raise DomainError(_("Answer every objection in writing; not answered: %(items)s."),
                          params={"items": "、".join(str(n) for n in missing)},
                          field="answers", code="objection_unanswered")
    outcome = _outcome([d for d, _a in given.values()])
    if remedy not in Challenge.Remedy.values:
        raise DomainError(_("Choose the consequence of the answer."), field="remedy",
                          code="remedy")
    if outcome == Challenge.Outcome.DISMISSED and remedy != Challenge.Remedy.NONE:
        raise DomainError(_("A dismissed challenge changes nothing in the procedure."),
                          field="remedy", code="remedy")
    summary = text(summary, field="summary")
    for pk, (decision, answer) in given.items():
        o = objections[pk]
        o.decision, o.answer, o.answered_at = decision, answer, now
    Objection.objects.bulk_update(objections.values(), ["decision", "answer", "answered_at"])
    challenge.answer_summary, challenge.outcome, challenge.remedy = summary, outcome, remedy
    challenge.answered_by, challenge.answered_for = user, organization
    challenge.answered_at = challenge.closed_at = challenge.answer_published_at = now
    transition(challenge, S.ANSWERED, table=CHALLENGE, actor=user, now=now,
               update_fields=["answer_summary", "outcome", "remedy", "answered_by",
                              "answered_for", "answered_at", "closed_at",
                              "answer_published_at"])
    deadline_meet(subject=challenge, clock="challenge.answer", at=now, actor=user, now=now)
    # The remedy first: an award it revokes has no signing left to resume (its unsigned
    # contract is voided once contracts hears of the revocation).
    done = _apply_remedy(challenge, remedy, user=user, organization=organization, now=now,
                         ip=ip)
    _resume_signing(challenge, now=now)
    audit_record(action="challenge.answer", actor=user, organization=organization,
                 obj=challenge, detail={"outcome": outcome, "remedy": remedy, **done},
                 ip=ip, now=now)
    project = challenge.project
    outcome_zh = {"upheld": "质疑成立", "partly": "质疑部分成立", "dismissed": "质疑不成立"}
    _tell(challenge, [challenge.supplier], key="answered", now=now,
          subject=f"质疑{challenge.number}已答复",
          body=f"{organization.name}已书面答复贵单位的质疑{challenge.number}："
               f"{outcome_zh[outcome]}。")
    others = concerned_suppliers(project, besides=challenge.supplier)
    _tell(challenge, others, key="answer-copied", now=now,
          subject=f"{project.code} 质疑答复",
          body=f"“{project.title}”的质疑{challenge.number}已答复（{outcome_zh[outcome]}），"
               f"答复内容见质疑答复公告（{ANSWER_BASIS}）。",
          link=reverse("complaints:challenge-answer-public", args=[challenge.pk]))
    send_on_commit(challenge_answered, sender=Challenge, challenge=challenge)
    return challenge
