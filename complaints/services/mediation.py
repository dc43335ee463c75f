"""Mediation of disputes between purchaser and supplier during performance (春风行动
第29条): late payment, acceptance, other performance disputes.

A party of a signed contract asks the finance bureau — the mediating body — to mediate
(``mediation_request``); the bureau accepts and names a mediator from its staff
(``mediation_accept``, the ``mediation.accept`` clock) or declines with its reason
(``mediation_decline``). The mediator records the sessions held and the experts' or
lawyers' opinions, and concludes within the ``mediation.conclude`` clock: the
settlement it records is settled once each party has confirmed it online
(``mediation_settle``, ``mediation_settlement_confirm``; a party may reject the terms,
``mediation_settlement_reject``), or the matter is referred to arbitration, a court or
another body (``mediation_refer``); the applicant may withdraw at any time before
(``mediation_withdraw``). Both parties are told of each step; every step is audited.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, PURCHASER_STAFF, has_role, require_role
from audit.services import audit_record
from contracts.models import Contract
from core import uploads
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open
from notifications.services import notify
from rules.registry import rule

from ..models import Evidence, Mediation, MediationOpinion, MediationSession
from ..numbering import next_number
from ..steps_mediation import MEDIATION

M = Mediation.Status
K = Organization.Kind
C = Contract.Status
BASIS = "春风行动 第29条"
CATEGORY = "complaints.mediation"
# Signed by both parties, in performance or performed: the contract disputes are about.
SIGNED_OR_LATER = (C.SIGNED, C.ACCEPTANCE, C.RECTIFYING, C.ACCEPTED, C.PAID)
# The bureau's people who accept, decline and may stand in for a mediator.
BUREAU_DECIDERS = (Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.LEADER)
BUREAU_HEADS = (Membership.Role.ADMIN, Membership.Role.LEADER)
ALL_BUREAU_ROLES = tuple(Membership.Role.values)
MIN_TEXT = 5
SUBJECT_ZH = {"late_payment": "拖欠账款", "acceptance": "履约验收",
              "performance": "其他履约争议"}

ACTIONS = {
    "mediation.request": _("Mediation requested"),
    "mediation.request_refused": _("Mediation request refused"),
    "mediation.accept": _("Mediation accepted"),
    "mediation.accept_refused": _("Mediation acceptance refused"),
    "mediation.decline": _("Mediation declined"),
    "mediation.decline_refused": _("Declining a mediation refused"),
    "mediation.session_record": _("Mediation session recorded"),
    "mediation.session_record_refused": _("Recording a mediation session refused"),
    "mediation.opinion_add": _("Expert or lawyer opinion added to a mediation"),
    "mediation.opinion_add_refused": _("Adding a mediation opinion refused"),
    "mediation.settle": _("Mediation settlement recorded"),
    "mediation.settle_refused": _("Recording a mediation settlement refused"),
    "mediation.settlement_confirm": _("Mediation settlement confirmed by a party"),
    "mediation.settlement_confirm_refused": _("Confirming a mediation settlement refused"),
    "mediation.settlement_reject": _("Mediation settlement rejected by a party"),
    "mediation.settlement_reject_refused": _("Rejecting a mediation settlement refused"),
    "mediation.withdraw": _("Mediation withdrawn"),
    "mediation.withdraw_refused": _("Withdrawing a mediation refused"),
    "mediation.refer": _("Mediation referred elsewhere"),
    "mediation.refer_refused": _("Referring a mediation refused"),
}


def register() -> None:
    from notifications.categories import register_category

    register_category(CATEGORY, _("Mediation of a contract dispute"), statutory=True)
    # The contract's page shows its mediations and the request link (contracts never
    # imports complaints).
    from contracts.panels import register_panel

    from ..views.mediation import contract_panel

    register_panel(contract_panel)


@dataclass
class Upload:
    name: str
    data: bytes


# --- who is who ---------------------------------------------------------------------------

def mediating_body() -> Organization | None:
    """The finance bureau that mediates (春风行动 第29条): the platform's finance bureau,
    as the other steps that turn to it find it."""
    return Organization.objects.filter(kind=K.FINANCE, is_active=True).order_by("pk").first()


def party_roles(organization: Organization, contract: Contract) -> tuple:
    """Who acts for a party: the purchaser's staff who may commit it, the supplier's
    officers and administrators (as in signing)."""
    return PURCHASER_STAFF if organization.pk == contract.purchaser_id else OFFICERS


def people(organization: Organization, roles=OFFICERS) -> list:
    return [m.user for m in Membership.objects.filter(
        organization=organization, is_active=True, user__is_active=True,
        role__in=roles).select_related("user").order_by("pk")]


def _tell(mediation: Mediation, organizations, *, key: str, subject: str, body: str, now,
          extra=()) -> None:
    """Tell the people of each organisation (and ``extra`` people), in Chinese."""
    recipients = [u for org in organizations for u in people(org)] + list(extra)
    recipients = list({u.pk: u for u in recipients}.values())
    if recipients:
        notify(event_key=f"mediation:{mediation.pk}:{key}", recipients=recipients,
               category=CATEGORY, subject=f"{mediation.number}：{subject}",
               body=f"【春风政采】{body}", link=mediation.get_absolute_url(), now=now)


def _parties(mediation: Mediation):
    return (mediation.applicant, mediation.respondent)


def _locked(mediation: Mediation) -> Mediation:
    return Mediation.objects.select_for_update(of=("self",)).select_related(
        "contract", "applicant", "respondent", "mediator").get(pk=mediation.pk)


def _text(value, *, field: str, message) -> str:
    value = (value or "").strip()
    if len(value) < MIN_TEXT:
        raise DomainError(message, code="text_missing", field=field)
    return value


def _require_bureau(user, organization: Organization | None, roles=BUREAU_DECIDERS) -> None:
    if organization is None or organization.kind != K.FINANCE:
        raise PermissionDenied(_("Only the finance bureau mediates."))
    require_role(user, organization, *roles)


def _require_mediator(user, organization: Organization | None, mediation: Mediation) -> None:
    """The mediator named at acceptance, or the bureau's administrators and leaders
    standing in for them."""
    _require_bureau(user, organization, ALL_BUREAU_ROLES)
    if user.pk != mediation.mediator_id and not has_role(user, organization, *BUREAU_HEADS):
        raise PermissionDenied(_("Only the mediator, or the bureau's administrators and "
                                 "leaders, take this step."))


def _require_in_mediation(mediation: Mediation) -> None:
    if mediation.status != M.ACCEPTED:
        raise InvalidTransition(_("Only a mediation in progress takes this step."))


def _store(mediation: Mediation, files, *, user, role, now, kinds) -> list[Evidence]:
    """Write the checked files (``kinds`` from ``core.uploads.check``) as Evidence."""
    stored = []
    try:
        for f, kind in zip(files, kinds, strict=True):
            evidence = Evidence(mediation=mediation, role=role, name=f.name[:200], kind=kind,
                                size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest(),
                                uploaded_by=user, uploaded_at=now)
            evidence.blob.save(f"mediation.{kind}", ContentFile(f.data), save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in stored:
            if evidence.blob.name:
                evidence.blob.delete(save=False)
        raise
    return stored


def _check_files(files) -> list[str]:
    return [uploads.check(f.name, f.data, field="files") for f in files]


def _next_number(now) -> str:
    return next_number(Mediation, "TJ", now)


def _already_open(contract: Contract) -> DomainError:
    open_one = Mediation.objects.filter(contract=contract, status__in=(M.REQUESTED, M.ACCEPTED)
                                        ).values_list("number", flat=True).first()
    return DomainError(_("A mediation of this contract is open already (%(number)s): one at "
                         "a time."), params={"number": open_one or "—"}, code="already_open")


# --- the request ----------------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def mediation_request(*, contract: Contract, applicant: Organization, subject: str, claim: str,
                      files=(), user, now=None, ip=None) -> Mediation:
    """A party of a signed contract asks the finance bureau to mediate a dispute with the
    other party. The bureau's ``mediation.accept`` clock starts; the respondent is told.
    Two submits at once make one mediation (the contract's row is locked, and one open
    mediation per contract is a constraint)."""
    now = now or timezone.now()
    contract = Contract.objects.select_for_update(of=("self",)).select_related(
        "purchaser", "supplier").get(pk=contract.pk)
    if applicant.pk not in (contract.purchaser_id, contract.supplier_id):
        raise PermissionDenied(_("Only the purchaser or the supplier of the contract asks "
                                 "for mediation."))
    require_role(user, applicant, *party_roles(applicant, contract))
    if contract.status not in SIGNED_OR_LATER:
        raise RuleViolation(_("Mediation is for disputes during performance: the contract "
                              "must be signed by both parties first."),
                            code="not_signed", basis=BASIS)
    if subject not in Mediation.Subject.values:
        raise DomainError(_("Choose what the dispute is about."), code="bad_subject",
                          field="subject")
    claim = _text(claim, field="claim",
                  message=_("Describe the dispute and what you ask for."))
    files = list(files or ())
    kinds = _check_files(files)
    bureau = mediating_body()
    if bureau is None:
        raise DomainError(_("No finance bureau is registered to mediate."),
                          code="no_mediating_body")
    if Mediation.objects.filter(contract=contract, status__in=(M.REQUESTED, M.ACCEPTED)
                                ).exists():
        raise _already_open(contract)
    respondent = contract.supplier if applicant.pk == contract.purchaser_id \
        else contract.purchaser
    try:
        with transaction.atomic():
            mediation = Mediation.objects.create(
                number=_next_number(now), contract=contract, applicant=applicant,
                respondent=respondent, subject=subject, claim=claim, requested_by=user,
                requested_at=now)
    except IntegrityError:
        raise _already_open(contract) from None
    stored = _store(mediation, files, user=user, role=Evidence.Role.EVIDENCE, now=now,
                    kinds=kinds)
    clock = deadline_open(subject=mediation, clock="mediation.accept", organization=bureau,
                          start=now, now=now, actor=user)
    audit_record(action="mediation.request", actor=user, organization=applicant,
                 obj=mediation, detail={"contract": contract.number, "subject": subject,
                                        "files": len(stored), "basis": BASIS},
                 ip=ip, now=now)
    accept = rule("mediation.accept")
    what = SUBJECT_ZH[subject]
    _tell(mediation, [respondent], key="requested", now=now, subject="对方申请调解",
          body=f"{applicant.name}就合同“{contract.title}”（{contract.number}）的{what}争议"
               f"申请调解（{mediation.number}），财政部门将在{accept.display_value()}内决定"
               f"是否受理（{accept.basis}）。")
    _tell(mediation, [bureau], key="requested-bureau", now=now, subject="新的调解申请",
          body=f"{applicant.name}申请调解与{respondent.name}之间的{what}争议，请于"
               f"{timezone.localtime(clock.due_at):%Y-%m-%d %H:%M}前受理或不予受理。")
    return mediation


@records_refusals()
@transaction.atomic
def mediation_accept(*, mediation: Mediation, user, organization: Organization, mediator,
                     now=None, ip=None) -> Mediation:
    """The finance bureau accepts the request and names the mediator, one of its staff.
    The accept clock is met; the ``mediation.conclude`` clock starts, the mediator
    responsible for it."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_bureau(user, organization)
    if not MEDIATION.can(mediation, "accept"):
        raise InvalidTransition(_("Only a mediation awaiting acceptance is accepted."))
    if mediator is None or not Membership.objects.filter(
            user=mediator, organization=organization, is_active=True,
            user__is_active=True).exists():
        raise DomainError(_("The mediator must be one of the finance bureau's staff."),
                          code="bad_mediator", field="mediator")
    mediation.mediator = mediator
    mediation.accepted_at = now
    transition(mediation, M.ACCEPTED, table=MEDIATION, actor=user, now=now,
               update_fields=["mediator", "accepted_at"])
    deadline_meet(subject=mediation, clock="mediation.accept", at=now, actor=user, now=now)
    clock = deadline_open(subject=mediation, clock="mediation.conclude",
                          organization=organization, start=now, responsible_users=[mediator],
                          now=now, actor=user)
    audit_record(action="mediation.accept", actor=user, organization=organization,
                 obj=mediation, detail={"mediator": mediator.pk,
                                        "conclude_by": clock.due_at.isoformat()},
                 ip=ip, now=now)
    _tell(mediation, _parties(mediation), key="accepted", now=now, subject="已受理调解",
          body=f"{organization.name}已受理调解申请{mediation.number}，调解员："
               f"{mediator.display_name}；调解应于"
               f"{timezone.localtime(clock.due_at):%Y-%m-%d}前结束（{clock.basis}）。",
          extra=[mediator])
    return mediation


@records_refusals()
@transaction.atomic
def mediation_decline(*, mediation: Mediation, user, organization: Organization, reason: str,
                      now=None, ip=None) -> Mediation:
    """The finance bureau declines to mediate, saying why; the accept clock is met."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_bureau(user, organization)
    if not MEDIATION.can(mediation, "decline"):
        raise InvalidTransition(_("Only a mediation awaiting acceptance is declined."))
    reason = _text(reason, field="reason", message=_("Give the reason for declining."))
    mediation.outcome_text = reason
    mediation.concluded_at = now
    transition(mediation, M.DECLINED, table=MEDIATION, actor=user, now=now, reason=reason,
               update_fields=["outcome_text", "concluded_at"])
    deadline_meet(subject=mediation, clock="mediation.accept", at=now, actor=user, now=now)
    audit_record(action="mediation.decline", actor=user, organization=organization,
                 obj=mediation, detail={"reason": reason}, ip=ip, now=now)
    _tell(mediation, _parties(mediation), key="declined", now=now, subject="不予受理调解",
          body=f"{organization.name}对调解申请{mediation.number}不予受理：{reason}")
    return mediation


# --- in mediation ---------------------------------------------------------------------------

@records_refusals()
@transaction.atomic
def mediation_session_record(*, mediation: Mediation, user, organization: Organization,
                             held_at, place: str, attendees: str, minutes: str, now=None,
                             ip=None) -> MediationSession:
    """The mediator records a session held: when, where, who attended, the minutes."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_mediator(user, organization, mediation)
    _require_in_mediation(mediation)
    if held_at is None or held_at > now:
        raise DomainError(_("Record a session once it is held: its time cannot be in the "
                            "future."), code="session_in_future", field="held_at")
    if held_at < mediation.accepted_at:
        raise DomainError(_("The session cannot be held before the mediation was accepted."),
                          code="session_before_acceptance", field="held_at")
    place = (place or "").strip()
    if not place:
        raise DomainError(_("Give the place or the link of the session."), field="place")
    attendees = (attendees or "").strip()
    if not attendees:
        raise DomainError(_("Name who attended."), field="attendees")
    minutes = _text(minutes, field="minutes", message=_("Write the minutes of the session."))
    session = MediationSession.objects.create(
        mediation=mediation, held_at=held_at, place=place[:200], attendees=attendees,
        minutes=minutes, recorded_by=user)
    audit_record(action="mediation.session_record", actor=user, organization=organization,
                 obj=mediation, detail={"session": session.pk,
                                        "held_at": held_at.isoformat()}, ip=ip, now=now)
    _tell(mediation, _parties(mediation), key=f"session:{session.pk}", now=now,
          subject="调解会议记录",
          body=f"调解{mediation.number}于{timezone.localtime(held_at):%Y-%m-%d %H:%M}"
               f"在{place}举行的调解会议已记录，可在平台查看。")
    return session


@records_refusals()
@transaction.atomic
def mediation_opinion_add(*, mediation: Mediation, user, organization: Organization,
                          author_kind: str, author_name: str, text: str, file=None, now=None,
                          ip=None) -> MediationOpinion:
    """The mediator adds an expert's or a lawyer's opinion, with its signed copy if any
    (checked by content, kept as evidence of role "opinion")."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_mediator(user, organization, mediation)
    _require_in_mediation(mediation)
    if author_kind not in MediationOpinion.Author.values:
        raise DomainError(_("Say whether an expert or a lawyer gave the opinion."),
                          field="author_kind")
    author_name = (author_name or "").strip()
    if not author_name:
        raise DomainError(_("Name who gave the opinion."), field="author_name")
    text = _text(text, field="text", message=_("Write the opinion, or its summary."))
    stored = None
    if file is not None:
        kind = uploads.check(file.name, file.data, field="file")
        stored = _store(mediation, [file], user=user, role=Evidence.Role.OPINION, now=now,
                        kinds=[kind])[0]
    opinion = MediationOpinion.objects.create(
        mediation=mediation, author_kind=author_kind, author_name=author_name[:100],
        text=text, file=stored, added_at=now, added_by=user)
    audit_record(action="mediation.opinion_add", actor=user, organization=organization,
                 obj=mediation, detail={"opinion": opinion.pk, "author_kind": author_kind,
                                        "file": stored.sha256 if stored else None},
                 ip=ip, now=now)
    _tell(mediation, _parties(mediation), key=f"opinion:{opinion.pk}", now=now,
          subject="新增专家或律师意见",
          body=f"调解{mediation.number}新增{author_name}的"
               f"{'专家' if author_kind == 'expert' else '律师'}意见，可在平台查看。")
    return opinion


# --- conclusion ------------------------------------------------------------------------------

def _conclude(mediation: Mediation, to: str, *, user, now, reason: str = "",
              update_fields=()) -> None:
    mediation.concluded_at = now
    transition(mediation, to, table=MEDIATION, actor=user, now=now, reason=reason,
               update_fields=["concluded_at", *update_fields])
    clock = "mediation.accept" if to == M.WITHDRAWN and mediation.accepted_at is None \
        else "mediation.conclude"
    deadline_meet(subject=mediation, clock=clock, at=now, actor=user, now=now)


@records_refusals()
@transaction.atomic
def mediation_settle(*, mediation: Mediation, user, organization: Organization, terms: str,
                     now=None, ip=None) -> Mediation:
    """The mediator records the settlement's terms; each party then confirms them online.
    Recording new terms replaces the old and asks both parties again."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_mediator(user, organization, mediation)
    _require_in_mediation(mediation)
    terms = _text(terms, field="terms", message=_("Write the terms of the settlement."))
    mediation.outcome_text = terms
    mediation.settlement_recorded_at = now
    mediation.applicant_confirmed_at = mediation.respondent_confirmed_at = None
    mediation.applicant_confirmed_by = mediation.respondent_confirmed_by = None
    mediation.save(update_fields=["outcome_text", "settlement_recorded_at",
                                  "applicant_confirmed_at", "respondent_confirmed_at",
                                  "applicant_confirmed_by", "respondent_confirmed_by"])
    audit_record(action="mediation.settle", actor=user, organization=organization,
                 obj=mediation, detail={"terms": terms}, ip=ip, now=now)
    _tell(mediation, _parties(mediation), key=f"settlement:{now.timestamp()}", now=now,
          subject="请确认调解协议",
          body=f"调解员已记录调解{mediation.number}的调解协议，请在平台阅读并确认：{terms}")
    return mediation


def _party_side(mediation: Mediation, organization: Organization | None) -> str:
    if organization is not None and organization.pk == mediation.applicant_id:
        return "applicant"
    if organization is not None and organization.pk == mediation.respondent_id:
        return "respondent"
    raise PermissionDenied(_("Only the two parties confirm or reject the settlement."))


def _require_settlement(mediation: Mediation) -> None:
    _require_in_mediation(mediation)
    if mediation.settlement_recorded_at is None:
        raise InvalidTransition(_("No settlement is recorded yet."))


@records_refusals()
@transaction.atomic
def mediation_settlement_confirm(*, mediation: Mediation, user, organization: Organization,
                                 now=None, ip=None) -> Mediation:
    """A party confirms the recorded settlement; with both confirmations the mediation is
    settled and its conclude clock met."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    side = _party_side(mediation, organization)
    require_role(user, organization, *party_roles(organization, mediation.contract))
    _require_settlement(mediation)
    if getattr(mediation, f"{side}_confirmed_at") is not None:
        raise InvalidTransition(_("Your side has confirmed the settlement already."))
    setattr(mediation, f"{side}_confirmed_at", now)
    setattr(mediation, f"{side}_confirmed_by", user)
    fields = [f"{side}_confirmed_at", f"{side}_confirmed_by"]
    audit_record(action="mediation.settlement_confirm", actor=user, organization=organization,
                 obj=mediation, detail={"side": side}, ip=ip, now=now)
    if mediation.applicant_confirmed_at and mediation.respondent_confirmed_at:
        _conclude(mediation, M.SETTLED, user=user, now=now, update_fields=fields)
        _tell(mediation, _parties(mediation), key="settled", now=now, subject="调解成功",
              body=f"双方已确认调解协议，调解{mediation.number}结束：{mediation.outcome_text}",
              extra=[mediation.mediator] if mediation.mediator else ())
    else:
        mediation.save(update_fields=fields)
        other = mediation.respondent if side == "applicant" else mediation.applicant
        _tell(mediation, [other], key=f"confirmed:{side}:{now.timestamp()}", now=now,
              subject="对方已确认调解协议",
              body=f"{organization.name}已确认调解{mediation.number}的调解协议，请确认。",
              extra=[mediation.mediator] if mediation.mediator else ())
    return mediation


@records_refusals()
@transaction.atomic
def mediation_settlement_reject(*, mediation: Mediation, user, organization: Organization,
                                reason: str, now=None, ip=None) -> Mediation:
    """A party does not accept the recorded terms: the settlement is set aside (any
    confirmation with it) and the mediation goes on, or is referred."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _party_side(mediation, organization)
    require_role(user, organization, *party_roles(organization, mediation.contract))
    _require_settlement(mediation)
    reason = _text(reason, field="reason", message=_("Say why you do not accept the terms."))
    terms = mediation.outcome_text
    mediation.outcome_text = ""
    mediation.settlement_recorded_at = None
    mediation.applicant_confirmed_at = mediation.respondent_confirmed_at = None
    mediation.applicant_confirmed_by = mediation.respondent_confirmed_by = None
    mediation.save(update_fields=["outcome_text", "settlement_recorded_at",
                                  "applicant_confirmed_at", "respondent_confirmed_at",
                                  "applicant_confirmed_by", "respondent_confirmed_by"])
    audit_record(action="mediation.settlement_reject", actor=user, organization=organization,
                 obj=mediation, detail={"reason": reason, "terms": terms}, ip=ip, now=now)
    _tell(mediation, _parties(mediation), key=f"rejected:{now.timestamp()}", now=now,
          subject="调解协议未获确认",
          body=f"{organization.name}不同意调解{mediation.number}的调解协议：{reason}",
          extra=[mediation.mediator] if mediation.mediator else ())
    return mediation


@records_refusals()
@transaction.atomic
def mediation_withdraw(*, mediation: Mediation, user, organization: Organization,
                       reason: str = "", now=None, ip=None) -> Mediation:
    """The applicant withdraws its request, before or during the mediation."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    if organization is None or organization.pk != mediation.applicant_id:
        raise PermissionDenied(_("Only the applicant withdraws its request."))
    require_role(user, organization, *party_roles(organization, mediation.contract))
    if not MEDIATION.can(mediation, "withdraw"):
        raise InvalidTransition(_("This mediation is concluded already."))
    mediation.outcome_text = (reason or "").strip()
    _conclude(mediation, M.WITHDRAWN, user=user, now=now, reason=mediation.outcome_text,
              update_fields=["outcome_text"])
    audit_record(action="mediation.withdraw", actor=user, organization=organization,
                 obj=mediation, detail={"reason": mediation.outcome_text}, ip=ip, now=now)
    bureau = mediating_body()
    _tell(mediation, [mediation.respondent], key="withdrawn", now=now, subject="调解申请已撤回",
          body=f"{organization.name}已撤回调解申请{mediation.number}。"
               + (f"理由：{mediation.outcome_text}" if mediation.outcome_text else ""),
          extra=[mediation.mediator] if mediation.mediator else people(bureau)
          if bureau else ())
    return mediation


@records_refusals()
@transaction.atomic
def mediation_refer(*, mediation: Mediation, user, organization: Organization,
                    referred_to: str, reason: str, now=None, ip=None) -> Mediation:
    """Mediation failed or is not the way: the matter goes to arbitration, a court or
    another body, named here."""
    now = now or timezone.now()
    mediation = _locked(mediation)
    _require_mediator(user, organization, mediation)
    if not MEDIATION.can(mediation, "refer"):
        raise InvalidTransition(_("Only a mediation in progress is referred."))
    referred_to = (referred_to or "").strip()
    if len(referred_to) < 2:
        raise DomainError(_("Name the body the dispute is referred to."), field="referred_to")
    reason = _text(reason, field="reason", message=_("Say why the dispute is referred."))
    mediation.referred_to = referred_to[:200]
    mediation.outcome_text = reason
    _conclude(mediation, M.REFERRED, user=user, now=now, reason=reason,
              update_fields=["referred_to", "outcome_text"])
    audit_record(action="mediation.refer", actor=user, organization=organization,
                 obj=mediation, detail={"referred_to": referred_to, "reason": reason},
                 ip=ip, now=now)
    _tell(mediation, _parties(mediation), key="referred", now=now, subject="调解终结",
          body=f"调解{mediation.number}终结，争议转交{referred_to}处理：{reason}")
    return mediation
