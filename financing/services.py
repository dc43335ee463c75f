"""Contract financing (政府采购合同融资, 春风行动 第26条): the one write path.

A bank publishes offers; the winner of a signed contract applies to one bank's offer,
giving its explicit consent to share its award and contract with that bank only; the
bank decides, disburses against a repayment schedule and records the repayments; the
supplier rates the service. Once approved, the purchaser pays the contract into the
collection account agreed with the bank (``selectors.collection_account_of``, which
``contracts`` asks through the hook it offers).

Every service takes the acting organisation (``bank`` or ``supplier``) and is decorated
with ``core.refusals.records_refusals``: a refusal lands in that organisation's audit
trail — never in a bank's before the supplier consented to it — after the rollback.
Status changes go through ``core.transitions.transition`` with ``steps.APPLICATION``.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import ALL_STAFF, OFFICERS, require_role
from audit.services import audit_record
from contracts.models import Contract
from contracts.services.common import locked, people, tell
from core.exceptions import DomainError, InvalidTransition, PermissionDenied
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from procurement.models import Award

from . import steps
from .models import FinancingApplication, FinancingOffer, Repayment
from .selectors import offer_cap

BASIS = "春风行动 第26条"
# The notification category keeps the key it was born with: people's preferences and
# their messages are stored under it.
CATEGORY = "contracts.financing"
# Anyone with a role at the bank works its financing: officers, approvers, leaders.
BANK_STAFF = ALL_STAFF
CENT = Decimal("0.01")
S = FinancingApplication.Status
POLICY = _("The winner of a government contract may apply online to a bank for financing on "
           "the strength of the contract. You choose the bank and consent explicitly: only "
           "that bank sees your award and contract. Once the bank approves, the purchaser pays "
           "the contract into the collection account agreed with the bank; when the loan is "
           "repaid, payments go to the contract's own account again.")


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Give an amount in yuan."), field=field) from None
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    return amount


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def supplier_link(application: FinancingApplication) -> str:
    return reverse("financing:contract", args=[application.contract_id])


def bank_link(application: FinancingApplication) -> str:
    return reverse("financing:bank-detail", args=[application.pk])


def _tell(application: FinancingApplication, organization: Organization, *, key: str,
          subject: str, body: str, now) -> None:
    """Tell one side of the financing; the link goes to the page that side may open.
    (``contracts``' own ``tell`` links to the contract page, which a bank may not open.)"""
    is_bank = organization.pk == application.bank_id
    notify(event_key=f"financing:{application.pk}:{key}:{organization.pk}",
           recipients=people(organization, BANK_STAFF if is_bank else OFFICERS),
           category=CATEGORY, subject=subject, body=f"【春风政采】{body}",
           link=bank_link(application) if is_bank else supplier_link(application), now=now)


def _locked(application: FinancingApplication) -> FinancingApplication:
    return FinancingApplication.objects.select_for_update(of=("self",)).select_related(
        "contract", "supplier", "bank", "offer").get(pk=application.pk)


def _bank_acts(application: FinancingApplication, bank: Organization, actor) -> None:
    """Only the bank applied to decides, disburses and records repayments."""
    if bank is None or application.bank_id != bank.pk:
        raise PermissionDenied(_("This application was not made to your bank."))
    require_role(actor, bank, *BANK_STAFF)


def _supplier_acts(contract: Contract, supplier: Organization, actor) -> None:
    """Only the contract's supplier applies for its financing and rates the bank."""
    if supplier is None or contract.supplier_id != supplier.pk:
        raise PermissionDenied(_("Only the contract's supplier may do this."))
    require_role(actor, supplier, *OFFICERS)


# --- the bank's offers ----------------------------------------------------------------

@records_refusals()
@transaction.atomic
def financing_offer_save(*, bank: Organization, actor, name: str, rate: str,
                         max_percent: Decimal, term_months: int, description: str = "",
                         is_active: bool = True, offer: FinancingOffer | None = None,
                         now=None, ip=None) -> FinancingOffer:
    """A bank's staff publish, change or withdraw one of its financing offers."""
    now = now or timezone.now()
    if bank.kind != Organization.Kind.BANK:
        raise PermissionDenied(_("Only banks publish financing offers."))
    require_role(actor, bank, *BANK_STAFF)
    if offer is not None:
        offer = FinancingOffer.objects.select_for_update().filter(pk=offer.pk, bank=bank).first()
        if offer is None:
            raise PermissionDenied(_("This offer is not your bank's."))
    name, rate = (name or "").strip(), (rate or "").strip()
    if not name:
        raise DomainError(_("Name the product."), field="name")
    if not rate:
        raise DomainError(_("Give the annual rate, e.g. 3.45%, or LPR + 0.5%."), field="rate")
    try:
        max_percent = Decimal(str(max_percent)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Give a percentage."), field="max_percent") from None
    if not Decimal("0") < max_percent <= Decimal("100"):
        raise DomainError(_("The share of the contract is more than 0 and at most 100 %."),
                          field="max_percent")
    try:
        term_months = int(term_months)
    except (TypeError, ValueError):
        term_months = 0
    if not 1 <= term_months <= 360:
        raise DomainError(_("The term is 1 to 360 months."), field="term_months")
    values = {"name": name[:200], "rate": rate[:60], "max_percent": max_percent,
              "term_months": term_months, "description": (description or "").strip(),
              "is_active": bool(is_active)}
    created = offer is None
    if created:
        offer = FinancingOffer.objects.create(bank=bank, **values)
    else:
        for field, value in values.items():
            setattr(offer, field, value)
        offer.save()
    audit_record(action="financing.offer", actor=actor, organization=bank, obj=offer,
                 detail={**values, "created": created}, ip=ip, now=now)
    return offer


def financing_offers_tell(award: Award, *, offers, now=None) -> int:
    """Tell the winner's staff of the financing policy and the banks' active offers
    (once per award: the event key makes a repeat a no-op; nothing when no bank offers
    anything). Called after the award commits (``receivers``)."""
    offers = list(offers)
    if not offers:
        return 0
    lot = award.lot
    project = lot.project
    winner = award.bid.supplier
    lines = [f"{i}. {o.bank.name}·{o.name}：年利率{o.rate}，最高为合同金额的"
             f"{o.max_percent.normalize():f}%"
             f"（按中标金额约{_yuan(offer_cap(o, award.amount))}元），期限{o.term_months}个月"
             for i, o in enumerate(offers, start=1)]
    body = (f"【春风政采】贵单位中标“{project.title}”第{lot.number}包，金额"
            f"{_yuan(award.amount)}元。签订合同后，可凭政府采购合同在平台向银行在线申请合同融资"
            f"（{BASIS}）。申请须经贵单位明确同意，中标和合同信息只提供给所选的一家银行；银行批准后，"
            "采购人将合同款支付至与银行约定的回款账户。现有融资产品：\n" + "\n".join(lines))
    return notify(event_key=f"award:{award.pk}:financing", recipients=people(winner),
                  category=CATEGORY, subject=f"{project.title}：政府采购合同融资",
                  body=body, link=reverse("financing:index"), now=now)


# --- the supplier applies ---------------------------------------------------------------

def _live_elsewhere() -> InvalidTransition:
    return InvalidTransition(_("This contract has a financing application in progress: "
                               "one at a time."), code="financing_live")


@records_refusals()
@transaction.atomic
def financing_apply(*, supplier: Organization, contract: Contract,
                    offer: FinancingOffer | None, amount: Decimal, actor, consent: bool = True,
                    now=None, ip=None) -> FinancingApplication:
    """The supplier applies to one bank's offer for financing on its signed contract, with
    its explicit consent to share its award and contract with that bank — the offer's —
    only. (A refusal is the supplier's: the bank learns nothing of it.)"""
    now = now or timezone.now()
    contract = locked(contract)
    _supplier_acts(contract, supplier, actor)
    bank = offer.bank if offer is not None else None
    if consent is not True:
        raise DomainError(_("Tick the consent to share your award and contract with %(bank)s: "
                            "without it the bank cannot see them and cannot decide."),
                          params={"bank": getattr(bank, "name", "")},
                          code="consent_required", field="consent", basis=BASIS)
    if offer is None or not offer.is_active:
        raise DomainError(_("Choose one of the offers the bank has published."),
                          code="no_offer", field="offer")
    if bank.kind != Organization.Kind.BANK or not bank.is_active:
        raise DomainError(_("Choose a bank's offer."), code="not_a_bank", field="offer")
    if contract.signed_at is None:
        raise InvalidTransition(_("Financing is applied for on a signed contract."),
                                code="unsigned")
    if contract.status == Contract.Status.PAID:
        raise InvalidTransition(_("This contract is paid in full: there is nothing to "
                                  "finance."), code="paid")
    amount = _money(amount, "amount")
    cap = offer_cap(offer, contract.amount)
    if amount > cap:
        raise DomainError(
            _("%(bank)s lends at most %(percent)s %% of the contract amount: %(cap)s yuan."),
            params={"bank": bank.name, "percent": f"{offer.max_percent.normalize():f}",
                    "cap": _yuan(cap)}, code="over_offer_max", field="amount")
    if FinancingApplication.objects.filter(contract=contract, status__in=steps.LIVE).exists():
        raise _live_elsewhere()
    try:
        with transaction.atomic():
            application = FinancingApplication.objects.create(
                contract=contract, supplier=supplier, bank=bank, offer=offer,
                amount=amount, consent_by=actor, consent_at=now, created_at=now)
    except IntegrityError:  # contracts_one_live_financing: a concurrent application won
        raise _live_elsewhere() from None
    audit_record(action="financing.apply", actor=actor, organization=supplier,
                 obj=application, detail={"contract": contract.number, "bank": bank.name,
                                          "offer": offer.name, "amount": amount,
                                          "consent": True, "consent_at": now}, ip=ip, now=now)
    _tell(application, bank, key="apply", now=now,
          subject=f"合同融资申请：{supplier.name}",
          body=f"{supplier.name}经授权同意向贵行提供其中标和合同信息，申请“{offer.name}”"
               f"融资{_yuan(amount)}元（合同{contract.number}，金额{_yuan(contract.amount)}元），"
               "请审批。")
    return application


# --- the bank decides, disburses and records repayments --------------------------------

@records_refusals()
@transaction.atomic
def financing_decide(*, application: FinancingApplication, bank: Organization, actor,
                     approved: bool, approved_amount: Decimal | None = None,
                     rate: Decimal | None = None, collection_account: str = "",
                     collection_bank: str = "", reason: str = "", now=None,
                     ip=None) -> FinancingApplication:
    """The bank approves (amount, rate and the collection account the purchaser will pay
    into) or refuses with its reason (steps ``approve`` / ``refuse``)."""
    now = now or timezone.now()
    application = _locked(application)
    _bank_acts(application, bank, actor)
    step = "approve" if approved else "refuse"
    if not steps.APPLICATION.can(application, step):
        raise InvalidTransition(_("This application has been decided already."))
    contract = application.contract
    reason = (reason or "").strip()
    if not approved:
        if not reason:
            raise DomainError(_("Give the reason for the refusal: the supplier is told."),
                              code="reason_required", field="reason")
        changed = []
    else:
        if contract.status == Contract.Status.PAID:
            raise InvalidTransition(_("This contract is paid in full: there is nothing to "
                                      "finance."), code="paid")
        approved_amount = application.amount if approved_amount in (None, "") else \
            _money(approved_amount, "approved_amount")
        if approved_amount > application.amount:
            raise DomainError(_("Approve at most the %(amount)s yuan asked for."),
                              params={"amount": _yuan(application.amount)},
                              code="over_asked", field="approved_amount")
        try:
            rate = Decimal(str(rate)).quantize(CENT)
        except (InvalidOperation, TypeError, ValueError):
            raise DomainError(_("Give the annual rate in %."), code="rate_required",
                              field="rate") from None
        if not Decimal("0") < rate < Decimal("100"):
            raise DomainError(_("The annual rate is more than 0 and less than 100 %."),
                              code="rate_range", field="rate")
        collection_account = "".join((collection_account or "").split())
        if not collection_account:
            raise DomainError(_("Give the collection account agreed with the supplier: the "
                                "purchaser will pay the contract into it."),
                              code="collection_account_required", field="collection_account")
        if len(collection_account) > 40:
            raise DomainError(_("An account number has at most 40 characters."),
                              field="collection_account")
        application.approved_amount, application.rate = approved_amount, rate
        application.collection_account = collection_account
        application.collection_bank = ((collection_bank or "").strip()
                                       or application.bank.name)[:200]
        changed = ["approved_amount", "rate", "collection_account", "collection_bank"]
    application.decided_by, application.decided_at = actor, now
    application.decision_reason = reason
    transition(application, S.APPROVED if approved else S.REFUSED, table=steps.APPLICATION,
               actor=actor, now=now, reason=reason,
               update_fields=["decided_by", "decided_at", "decision_reason", *changed])
    audit_record(action="financing.decide", actor=actor, organization=bank,
                 obj=application,
                 detail={"approved": bool(approved), "approved_amount": application.approved_amount,
                         "rate": application.rate,
                         "collection_account": application.collection_account,
                         "reason": reason}, ip=ip, now=now)
    if approved:
        _tell(application, application.supplier, key="decide", now=now,
              subject=f"合同融资已批准：{contract.number}",
              body=f"{bank.name}已批准贵单位合同{contract.number}的融资{_yuan(approved_amount)}元，"
                   f"年利率{rate}%。合同款将支付至回款账户{application.collection_account}"
                   f"（{application.collection_bank}）。")
        # The purchaser pays: it must know where to (the loan's terms stay with the parties).
        tell(contract, contract.purchaser, key=f"financing:{application.pk}", now=now,
             category="contracts.payment", subject=f"{contract.title}：收款账户变更",
             body=f"供应商{contract.supplier.name}已办理政府采购合同融资（{BASIS}）。"
                  f"合同{contract.number}此后的款项请支付至回款账户"
                  f"{application.collection_account}（{application.collection_bank}）。")
    else:
        _tell(application, application.supplier, key="decide", now=now,
              subject=f"合同融资未获批准：{contract.number}",
              body=f"{bank.name}未批准贵单位合同{contract.number}的融资申请。原因：{reason}。"
                   "可向其他银行另行申请。")
    return application


def _due_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("Give each repayment's date."), code="schedule_invalid",
                          field="schedule") from None


def _schedule(schedule, *, amount: Decimal, disbursed_on: dt.date) -> list[tuple]:
    """The repayment rows, by date: each on or after the disbursement, summing to it."""
    rows = sorted((_due_date(row.get("due_date")), _money(row.get("amount"), "schedule"))
                  for row in schedule or [])
    if not rows:
        raise DomainError(_("Give the repayment schedule: at least one date and amount."),
                          code="schedule_required", field="schedule")
    if any(due < disbursed_on for due, _amount in rows):
        raise DomainError(_("A repayment falls before the disbursement."),
                          code="schedule_invalid", field="schedule")
    total = sum((a for _due, a in rows), Decimal("0"))
    if total != amount:
        raise DomainError(_("The repayments total %(total)s yuan, not the %(amount)s yuan "
                            "disbursed."), params={"total": _yuan(total),
                                                   "amount": _yuan(amount)},
                          code="schedule_mismatch", field="schedule")
    return rows


@records_refusals()
@transaction.atomic
def financing_disburse(*, application: FinancingApplication, bank: Organization, actor,
                       amount: Decimal, at: dt.datetime | None = None, schedule: list[dict],
                       now=None, ip=None) -> FinancingApplication:
    """The bank pays out the approved loan and records its repayment schedule, which sums
    to what was disbursed (step ``disburse``)."""
    now = now or timezone.now()
    at = at or now
    application = _locked(application)
    _bank_acts(application, bank, actor)
    if not steps.APPLICATION.can(application, "disburse"):
        raise InvalidTransition(_("Only an approved application is disbursed, once."))
    amount = _money(amount, "amount")
    if amount > application.approved_amount:
        raise DomainError(_("At most the approved %(amount)s yuan is disbursed."),
                          params={"amount": _yuan(application.approved_amount)},
                          code="over_approved", field="amount")
    if at > now:
        raise DomainError(_("The disbursement date is in the future."), code="future",
                          field="at")
    rows = _schedule(schedule, amount=amount, disbursed_on=timezone.localdate(at))
    Repayment.objects.bulk_create([Repayment(application=application, due_date=due,
                                             amount=a) for due, a in rows])
    application.disbursed_at, application.disbursed_amount = at, amount
    transition(application, S.DISBURSED, table=steps.APPLICATION, actor=actor, now=now,
               update_fields=["disbursed_at", "disbursed_amount"])
    audit_record(action="financing.disburse", actor=actor, organization=bank,
                 obj=application, detail={"amount": amount, "at": at, "schedule": [
                     {"due_date": due, "amount": a} for due, a in rows]},
                 ip=ip, now=now)
    contract = application.contract
    _tell(application, application.supplier, key="disburse", now=now,
          subject=f"合同融资已放款：{contract.number}",
          body=f"{bank.name}已放款{_yuan(amount)}元，分{len(rows)}期还款，"
               f"首期{rows[0][0]:%Y-%m-%d}。还款计划可在平台查看。")
    return application


@records_refusals()
@transaction.atomic
def financing_repay(*, repayment: Repayment, bank: Organization, actor, now=None,
                    ip=None) -> Repayment:
    """The bank records one repayment as received; with the last one the loan is repaid
    (step ``repay``)."""
    now = now or timezone.now()
    application = _locked(repayment.application)
    _bank_acts(application, bank, actor)
    if not steps.APPLICATION.can(application, "repay"):
        raise InvalidTransition(_("Repayments are recorded on a disbursed loan."))
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk,
                                                          application=application)
    if repayment.paid_at is not None:
        raise InvalidTransition(_("This repayment is recorded already."))
    repayment.paid_at, repayment.recorded_by = now, actor
    repayment.save(update_fields=["paid_at", "recorded_by"])
    settled = not application.repayments.filter(paid_at__isnull=True).exists()
    if settled:
        transition(application, S.REPAID, table=steps.APPLICATION, actor=actor, now=now)
    audit_record(action="financing.repay", actor=actor, organization=bank,
                 obj=application, detail={"repayment": repayment.pk,
                                          "due_date": repayment.due_date,
                                          "amount": repayment.amount, "settled": settled},
                 ip=ip, now=now)
    contract = application.contract
    _tell(application, application.supplier, key=f"repay:{repayment.pk}", now=now,
          subject=f"合同融资还款已确认：{contract.number}",
          body=f"{bank.name}已确认收到{repayment.due_date:%Y-%m-%d}到期的还款"
               f"{_yuan(repayment.amount)}元。" + ("贷款已全部结清，合同款恢复支付至合同约定账户。"
                                               if settled else ""))
    return repayment


# --- the supplier rates the service ---------------------------------------------------

@records_refusals()
@transaction.atomic
def financing_rate(*, application: FinancingApplication, supplier: Organization, actor,
                   rating: int, comment: str = "", now=None, ip=None) -> FinancingApplication:
    """After disbursement the supplier rates the bank's service once (1 to 5)."""
    now = now or timezone.now()
    application = _locked(application)
    _supplier_acts(application.contract, supplier, actor)
    if application.status not in steps.RATEABLE:
        raise InvalidTransition(_("The service is rated once the loan is disbursed."))
    if application.rated_at is not None:
        raise InvalidTransition(_("You have rated this service already."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DomainError(_("Rate from 1 to 5."), field="rating")
    application.rating, application.rating_comment = rating, (comment or "").strip()
    application.rated_at = now
    application.save(update_fields=["rating", "rating_comment", "rated_at"])
    audit_record(action="financing.rate", actor=actor, organization=supplier,
                 obj=application, detail={"rating": rating,
                                          "comment": application.rating_comment},
                 ip=ip, now=now)
    _tell(application, application.bank, key="rate", now=now,
          subject=f"融资服务评价：{supplier.name}",
          body=f"{supplier.name}对贵行合同融资服务的评价：{rating}星。"
               f"{application.rating_comment}")
    return application
