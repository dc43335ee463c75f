"""Reads of mediations, scoped to who asks: the two parties see their own, the finance
bureau (the mediating body) sees all; anyone else gets 404.

``mediation_detail`` is what the page and the API both show: the mediation with its
clocks, sessions, opinions, files, the settlement's confirmations, what the caller may
do now, and — for a late-payment dispute — the contract's invoices, their payment
clocks and late interest, read through ``contracts.selectors.contract_detail``.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.permissions import has_role, is_supervisor
from contracts.models import Contract

from .filters_mediation import MediationFilterSet
from .models import Mediation
from .steps_mediation import OPEN, mediation_actions

K = Organization.Kind
M = Mediation.Status


def _scoped(organization: Organization | None):
    qs = Mediation.objects.select_related("contract", "applicant", "respondent", "mediator")
    if organization is None:
        return qs.none()
    if is_supervisor(organization):
        return qs
    return qs.filter(Q(applicant=organization) | Q(respondent=organization))


def mediation_filterset(*, organization: Organization | None,
                        filters=None) -> MediationFilterSet:
    return MediationFilterSet(filters, _scoped(organization), organization=organization)


def mediations_visible_to(*, user=None, organization: Organization | None, filters=None):
    """The mediations ``organization`` sees, narrowed by ``filters``."""
    return mediation_filterset(organization=organization, filters=filters).qs


def mediations_of_contract(contract: Contract, *, organization: Organization | None):
    return _scoped(organization).filter(contract=contract)


def mediation_clocks(mediations) -> dict[int, list]:
    """Each mediation's clocks (accept, conclude), oldest first, by mediation id."""
    from deadlines.models import Deadline

    ids = [str(m.pk) for m in mediations]
    found: dict[int, list] = {m.pk: [] for m in mediations}
    if not ids:
        return found
    for deadline in (Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Mediation), subject_id__in=ids)
            .select_related("organization").order_by("started_at", "id")):
        found[int(deadline.subject_id)].append(deadline)
    return found


def running_clock(clocks) -> object | None:
    return next((d for d in reversed(clocks) if d.status in ("open", "overdue")), None)


@dataclass
class ClockRow:
    deadline: object
    countdown: object
    overdue: bool


@dataclass
class Allowed:
    """What the caller may do now (the services check again)."""

    accept: bool = False
    decline: bool = False
    record_session: bool = False
    add_opinion: bool = False
    settle: bool = False
    confirm: bool = False
    reject: bool = False
    withdraw: bool = False
    refer: bool = False


@dataclass
class Facts:
    """A late-payment dispute's facts from the contract: each invoice with its payment
    clock and late interest, and the payment clocks past due."""

    invoices: list = field(default_factory=list)
    overdue_clocks: list = field(default_factory=list)
    late_interest: Decimal = Decimal("0.00")
    supplier_is_sme: bool = False
    paid_total: Decimal = Decimal("0.00")
    total_amount: Decimal = Decimal("0.00")

    @property
    def overdue_count(self) -> int:
        return len(self.overdue_clocks)


@dataclass
class MediationDetail:
    mediation: Mediation
    side: str  # applicant, respondent, finance
    actions: list[str]
    allowed: Allowed
    clocks: list[ClockRow] = field(default_factory=list)
    sessions: list = field(default_factory=list)
    opinions: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    facts: Facts | None = None
    mediators: list = field(default_factory=list)


def side_of(organization: Organization | None, mediation: Mediation) -> str:
    if organization is None:
        return ""
    if organization.pk == mediation.applicant_id:
        return "applicant"
    if organization.pk == mediation.respondent_id:
        return "respondent"
    if is_supervisor(organization):
        return "finance"
    return ""


def _allowed(mediation: Mediation, side: str, actions, *, user, organization) -> Allowed:
    from .services.mediation import BUREAU_DECIDERS, BUREAU_HEADS

    finance = side == "finance"
    decider = finance and has_role(user, organization, *BUREAU_DECIDERS)
    mediator = finance and (user.pk == mediation.mediator_id
                            or has_role(user, organization, *BUREAU_HEADS))
    in_mediation = mediation.status == M.ACCEPTED
    party = side in ("applicant", "respondent")
    pending = in_mediation and mediation.settlement_recorded_at is not None
    confirmed = party and getattr(mediation, f"{side}_confirmed_at") is not None
    return Allowed(
        accept=decider and "accept" in actions, decline=decider and "decline" in actions,
        record_session=mediator and in_mediation, add_opinion=mediator and in_mediation,
        settle=mediator and in_mediation, refer=mediator and "refer" in actions,
        confirm=party and pending and not confirmed, reject=party and pending,
        withdraw=side == "applicant" and "withdraw" in actions,
    )


def late_payment_facts(contract: Contract, *, now) -> Facts:
    from contracts.selectors import contract_detail

    detail = contract_detail(contract, organization=None, now=now)
    overdue = [row for row in detail.clocks
               if row.overdue and row.deadline.clock == "payment.after_invoice"]
    return Facts(invoices=detail.invoices, overdue_clocks=overdue,
                 late_interest=sum((row.late_interest for row in detail.invoices),
                                   Decimal("0.00")),
                 supplier_is_sme=detail.supplier_is_sme, paid_total=contract.paid_total,
                 total_amount=contract.total_amount)


def mediation_detail(mediation: Mediation, *, user, organization: Organization | None,
                     now: dt.datetime | None = None) -> MediationDetail:
    from deadlines.selectors import countdown

    now = now or timezone.now()
    side = side_of(organization, mediation)
    actions = mediation_actions(mediation)
    clocks = []
    for deadline in mediation_clocks([mediation])[mediation.pk]:
        cd = countdown(deadline, now)
        clocks.append(ClockRow(deadline, cd, cd.overdue and deadline.status not in (
            "met", "waived")))
    mediators = []
    if side == "finance" and mediation.status in OPEN:
        mediators = [m.user for m in Membership.objects.filter(
            organization=organization, is_active=True, user__is_active=True)
            .select_related("user").order_by("user__username")]
        mediators = list({u.pk: u for u in mediators}.values())
    return MediationDetail(
        mediation=mediation, side=side, actions=actions,
        allowed=_allowed(mediation, side, actions, user=user, organization=organization),
        clocks=clocks,
        sessions=list(mediation.sessions.select_related("recorded_by")),
        opinions=list(mediation.opinions.select_related("file", "added_by")),
        documents=list(mediation.documents.select_related("uploaded_by")),
        facts=late_payment_facts(mediation.contract, now=now)
        if mediation.subject == Mediation.Subject.LATE_PAYMENT else None,
        mediators=mediators,
    )


def contract_may_request(contract: Contract, organization: Organization | None) -> bool:
    """May the acting organisation ask for mediation of this contract now?"""
    from .services.mediation import SIGNED_OR_LATER

    return (organization is not None
            and organization.pk in (contract.purchaser_id, contract.supplier_id)
            and contract.status in SIGNED_OR_LATER
            and not Mediation.objects.filter(contract=contract, status__in=OPEN).exists())
