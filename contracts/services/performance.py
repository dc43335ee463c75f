"""Performance: delivery milestones, acceptance (with rectification), supplements."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open
from rules.registry import Unit, rule

from ..models import Acceptance, Contract, Milestone, Supplement
from ..signals import acceptance_recorded
from ..steps import ACCEPTANCE, CONTRACT, status_before_payment
from .common import locked, tell
from .payments import payment_clocks_open

PUBLIC_SERVICE_BASIS = "财库〔2016〕205号"
C = Contract.Status


@records_refusals()
@transaction.atomic
def milestone_done(*, milestone: Milestone, actor, note: str = "", now=None,
                   ip=None) -> Milestone:
    """The supplier reports a delivery milestone done."""
    now = now or timezone.now()
    contract = milestone.contract
    require_role(actor, contract.supplier, *OFFICERS)
    if contract.signed_at is None:
        raise InvalidTransition(_("Delivery starts once the contract is signed."))
    if milestone.done_at:
        raise InvalidTransition(_("This milestone is recorded already."))
    milestone.done_at, milestone.note = now, note.strip()
    milestone.save(update_fields=["done_at", "note"])
    audit_record(action="contract.milestone", actor=actor, organization=contract.supplier,
                 obj=contract, detail={"milestone": milestone.title}, ip=ip, now=now)
    tell(contract, contract.purchaser, key=f"milestone:{milestone.pk}", now=now,
         subject=f"{contract.title}：{milestone.title}",
         body=f"{contract.supplier.name}报告“{milestone.title}”已完成。")
    return milestone


@records_refusals()
@transaction.atomic
def acceptance_request(*, contract: Contract, actor, note: str = "", now=None,
                       ip=None) -> Acceptance:
    """The supplier asks for acceptance; the purchaser must organise it within the
    profile's time (春风行动 第18条: 1 working day), or the contract's where the
    profile leaves it to the contract."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.supplier, *OFFICERS)
    if not CONTRACT.can(contract, "request_acceptance"):
        raise InvalidTransition(_("Acceptance is requested for a signed contract, once."))
    acceptance = Acceptance.objects.create(contract=contract, requested_by=actor,
                                           requested_at=now, request_note=note.strip())
    transition(contract, C.ACCEPTANCE, table=CONTRACT, actor=actor, now=now)
    organise = rule("acceptance.organise")
    # Where the profile leaves the length to the contract (national: 法 第41条), the
    # clock runs on the contract's term — computed, provisional and recomputed on the
    # calendar like any statutory clock (deadlines.services.deadline_open).
    term = contract.acceptance_term if organise.amount is None else None
    deadline_open(subject=acceptance, clock="acceptance.organise",
                  organization=contract.purchaser, start=now, now=now, actor=actor,
                  amount=term, unit=Unit.WORKDAYS if term is not None else None)
    audit_record(action="acceptance.request", actor=actor, organization=contract.supplier,
                 obj=contract, detail={"acceptance": acceptance.pk}, ip=ip, now=now)
    tell(contract, contract.purchaser, key=f"acceptance:{acceptance.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}申请验收",
         body=f"{contract.supplier.name}申请验收“{contract.title}”，"
              f"请在{organise.display_value() if term is None else f'{term}个工作日'}"
              f"内组织验收（{organise.basis}）。")
    return acceptance


@records_refusals()
@transaction.atomic
def acceptance_record(*, acceptance: Acceptance, actor, passed: bool, items_checked: str,
                      members: list[str], report: str = "", service_users_invited: bool = False,
                      public_service: bool = False, now=None, ip=None) -> Acceptance:
    """The purchaser records the acceptance: what was checked, by whom, the result.
    A public service is accepted with its users invited (财库〔2016〕205号). A failure
    names what to rectify, and the supplier asks again.

    The round's result moves through ``steps.ACCEPTANCE`` (pass / fail) and the
    contract's status with it (accept / rectify) — unless the contract was paid in full
    while the round was pending: paid stays paid, and only the acceptance date is
    kept."""
    now = now or timezone.now()
    contract = locked(acceptance.contract)
    acceptance = Acceptance.objects.select_for_update().get(pk=acceptance.pk)
    require_role(actor, contract.purchaser, *OFFICERS)
    if not ACCEPTANCE.can(acceptance, "pass"):
        raise InvalidTransition(_("This acceptance is recorded already."))
    members = [m.strip() for m in members if m and m.strip()]
    if not items_checked.strip():
        raise DomainError(_("List what was checked."), field="items_checked")
    if len(members) < 2:
        raise DomainError(_("Name at least two members of the acceptance team."),
                          field="members")
    if public_service and not service_users_invited:
        raise RuleViolation(_("A public service is accepted with its users invited to "
                              "take part and give their opinion."), code="users_not_invited",
                            basis=PUBLIC_SERVICE_BASIS, field="service_users_invited")
    if not passed and len(report.strip()) < 5:
        raise DomainError(_("Say what must be rectified."), field="report")
    acceptance.recorded_by, acceptance.accepted_on = actor, now
    acceptance.items_checked, acceptance.members = items_checked.strip(), members
    acceptance.report, acceptance.service_users_invited = report.strip(), service_users_invited
    acceptance.public_service = public_service
    transition(acceptance, Acceptance.Result.PASSED if passed else Acceptance.Result.FAILED,
               table=ACCEPTANCE, actor=actor, now=now, reason=report.strip(),
               update_fields=["recorded_by", "accepted_on", "items_checked", "members",
                              "report", "service_users_invited", "public_service"])
    if passed:
        contract.accepted_at = now
    if contract.status == C.PAID:
        contract.save(update_fields=["accepted_at"])
    else:
        transition(contract, C.ACCEPTED if passed else C.RECTIFYING, table=CONTRACT,
                   actor=actor, now=now, reason=report.strip(), update_fields=["accepted_at"])
    deadline_meet(subject=acceptance, clock="acceptance.organise", at=now, actor=actor,
                  now=now)
    if passed:
        # Invoices received before acceptance were waiting for it: their payment
        # clocks start now, when the payment conditions are met (payments.py).
        payment_clocks_open(contract=contract, actor=actor, now=now)
    audit_record(action="acceptance.record", actor=actor, organization=contract.purchaser,
                 obj=contract, detail={"passed": passed, "members": members}, ip=ip, now=now)
    tell(contract, contract.supplier, key=f"accepted:{acceptance.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}验收结果",
         body=(f"“{contract.title}”已通过验收，请开具发票并在平台提交。" if passed else
               f"“{contract.title}”验收未通过，请整改后重新申请验收：{report.strip()}"))
    send_on_commit(acceptance_recorded, sender=Acceptance, acceptance=acceptance,
                   passed=passed)
    return acceptance


@records_refusals()
@transaction.atomic
def supplement_propose(*, contract: Contract, actor, amount: Decimal, reason: str, now=None,
                       ip=None) -> Supplement:
    """More of the same goods or services, on the same terms: all supplements together
    at most 10 % of the original amount (法 第49条)."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.purchaser, *OFFICERS)
    # In force: signed and not yet paid in full — where the table allows paying.
    if not CONTRACT.can(contract, "pay"):
        raise InvalidTransition(_("A supplement is added to a signed contract in force."))
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if len((reason or "").strip()) < 5:
        raise DomainError(_("Say what is added and why."), field="reason")
    limit = rule("contract.supplement_max")
    before = contract.supplements.aggregate(t=Sum("amount"))["t"] or Decimal("0")
    cap = (contract.amount * Decimal(limit.amount) / 100).quantize(Decimal("0.01"))
    if before + amount > cap:
        raise RuleViolation(
            _("Supplements may add at most %(max)s %% (%(cap)s yuan); %(left)s yuan is left."),
            params={"max": limit.amount, "cap": f"{cap:,.2f}", "left": f"{cap - before:,.2f}"},
            code="supplement_over_limit", basis=limit.basis, field="amount")
    supplement = Supplement.objects.create(contract=contract, amount=amount,
                                           reason=reason.strip(), created_by=actor,
                                           created_at=now)
    audit_record(action="contract.supplement", actor=actor, organization=contract.purchaser,
                 obj=contract, detail={"amount": amount, "step": "propose"}, ip=ip, now=now)
    tell(contract, contract.supplier, key=f"supplement:{supplement.pk}", now=now,
         subject=f"{contract.title}补充合同", body=f"采购人提出补充合同{amount:,.2f}元，请确认。")
    return supplement


@records_refusals()
@transaction.atomic
def supplement_confirm(*, supplement: Supplement, actor, now=None, ip=None) -> Supplement:
    """The supplier confirms: the supplement counts in what is owed. A contract paid in
    full is owed money again and goes back to where it stood (``reopen…`` steps)."""
    now = now or timezone.now()
    contract = locked(supplement.contract)
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    require_role(actor, contract.supplier, *OFFICERS)
    if supplement.confirmed_at:
        raise InvalidTransition(_("This supplement is confirmed already."))
    supplement.confirmed_by, supplement.confirmed_at = actor, now
    supplement.save(update_fields=["confirmed_by", "confirmed_at"])
    contract.total_amount += supplement.amount
    if contract.status == C.PAID:
        transition(contract, status_before_payment(contract), table=CONTRACT, actor=actor,
                   now=now, reason=supplement.reason, update_fields=["total_amount"])
    else:
        contract.save(update_fields=["total_amount"])
    audit_record(action="contract.supplement", actor=actor, organization=contract.supplier,
                 obj=contract, detail={"amount": supplement.amount, "step": "confirm"},
                 ip=ip, now=now)
    return supplement
