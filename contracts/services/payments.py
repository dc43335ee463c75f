"""Invoices and payments on the payment clock; the advance payment; late interest."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core import uploads
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open
from procurement import sealing
from rules.registry import rule

from ..models import Contract, Invoice, Payment
from ..rules import validate_performance_date
from ..selectors import collection_account, late_interest  # noqa: F401 — reads, exported
from ..signals import payment_recorded
from ..steps import CONTRACT, INVOICE
from .common import locked, tell

C = Contract.Status
# collection_account (where money goes: a financing bank may redirect it) and
# late_interest are reads kept in the selectors; services re-export them.
INVOICE_KINDS = {"pdf", "png", "jpeg"}
PAY_BASIS = "法 第43条"  # the parties' rights are those the contract sets


def _duplicate(number: str) -> DomainError:
    return DomainError(_("Invoice %(number)s is submitted already."),
                       params={"number": number}, field="number")


def _performance_date(contract: Contract, value: dt.date, *, field: str, now) -> None:
    """The forms check it too; the service is where it holds for every caller: an invoice
    dated 1900 would start the payment clock and count late interest from then."""
    if value > timezone.localdate(now):
        raise DomainError(_("The date is in the future."), code="future_date", field=field)
    try:
        validate_performance_date(contract, value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "date_out_of_range",
                          field=field) from None


def payment_clock_open(*, invoice: Invoice, contract: Contract, actor=None, now):
    """Start the invoice's payment clock when the payment conditions are met: the invoice
    received and the acceptance passed, from the later of the two (保障中小企业款项支付条例
    第9条: where payment is conditional on acceptance, the term runs from the day it is
    passed). An invoice received before acceptance waits — no clock, so no false
    overdue — and ``payment_clocks_open`` starts it when acceptance passes. None while
    it waits."""
    if contract.accepted_at is None:
        return None
    start = max(invoice.received_at, contract.accepted_at)
    return deadline_open(subject=invoice, clock="payment.after_invoice",
                         organization=contract.purchaser, start=start, now=now, actor=actor)


def payment_clocks_open(*, contract: Contract, actor=None, now) -> list:
    """Acceptance has passed: start the payment clock of each invoice still owed that was
    waiting for it (called by ``acceptance_record``, inside its transaction)."""
    return [payment_clock_open(invoice=invoice, contract=contract, actor=actor, now=now)
            for invoice in contract.invoices.exclude(status=Invoice.Status.PAID)]


@records_refusals()
@transaction.atomic
def invoice_submit(*, contract: Contract, actor, number: str, amount: Decimal,
                   issued_on: dt.date, file_name: str, file_data: bytes, now=None,
                   ip=None) -> Invoice:
    """The supplier submits an invoice; the purchaser's payment clock (春风行动 第18条:
    2 working days) starts once the payment conditions are met — on receipt when the
    contract is accepted already, else when acceptance passes (``payment_clock_open``)."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.supplier, *OFFICERS)
    # Invoiced while the contract is in force: where the table allows paying it.
    if not CONTRACT.can(contract, "pay"):
        raise InvalidTransition(_("Invoices are submitted for a signed contract not yet "
                                  "paid in full."))
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Give the invoice number."), field="number")
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    _performance_date(contract, issued_on, field="issued_on", now=now)
    invoiced = contract.invoices.aggregate(t=Sum("amount"))["t"] or Decimal("0")
    if invoiced + amount > contract.total_amount:
        raise DomainError(
            _("Invoices would total %(total)s yuan, more than the contract's %(amount)s yuan."),
            params={"total": f"{invoiced + amount:,.2f}",
                    "amount": f"{contract.total_amount:,.2f}"}, code="over_invoiced",
            field="amount")
    kind = uploads.check(file_name, file_data, field="file")
    if kind not in INVOICE_KINDS:
        raise DomainError(_("Upload the invoice as a PDF or an image."), field="file")
    # The contract row is locked: no other submission for it can slip in between.
    if contract.invoices.filter(number=number).exists():
        raise _duplicate(number)
    invoice = Invoice(contract=contract, number=number, amount=amount, issued_on=issued_on,
                      file_name=file_name[:200], file_sha256=sealing.digest(file_data),
                      received_at=now, submitted_by=actor)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:
        raise _duplicate(number) from None
    clock = payment_clock_open(invoice=invoice, contract=contract, actor=actor, now=now)
    audit_record(action="invoice.submit", actor=actor, organization=contract.supplier,
                 obj=contract, detail={"invoice": number, "amount": amount,
                                       "clock": "started" if clock else "awaits_acceptance"},
                 ip=ip, now=now)
    pay = rule("payment.after_invoice")
    when = (f"请在{pay.display_value()}内付款（{pay.basis}）。" if clock else
            f"付款期限自验收合格之日起计算：验收合格后{pay.display_value()}内付款"
            f"（{pay.basis}）。")
    tell(contract, contract.purchaser, key=f"invoice:{invoice.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}：收到发票",
         body=f"{contract.supplier.name}提交发票{number}，金额{amount:,.2f}元，{when}")
    # The file last, once every row of this step is written: a refusal above leaves
    # nothing in storage. Its name is ours (Invoice.file's upload_to), never the number.
    try:
        invoice.file.save(f"invoice.{kind}", ContentFile(file_data), save=False)
        invoice.save(update_fields=["file"])
    except BaseException:
        if invoice.file.name:
            invoice.file.delete(save=False)
        raise
    return invoice


@records_refusals(action="payment.refused")
@transaction.atomic
def payment_record(*, contract: Contract, actor, amount: Decimal, paid_on: dt.date,
                   voucher: str, invoice: Invoice | None = None, payee_account: str = "",
                   now=None, ip=None) -> Payment:
    """Record a payment: the advance (when the contract has one) or against an invoice.

    Paid never exceeds the contract (a database constraint backs this check); the
    payment goes to the agreed account; an invoice paid in full — or a contract
    paid in full — meets its payment clock. The invoice moves through
    ``steps.INVOICE`` (pay_part / pay) and, paid in full, the contract takes its
    ``pay`` step; ``payment_recorded`` is sent once the transaction commits."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.purchaser, *OFFICERS)
    if contract.signed_at is None:
        raise InvalidTransition(_("Payments are made on a signed contract."))
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if not (voucher or "").strip():
        raise DomainError(_("Give the payment voucher number."), field="voucher")
    _performance_date(contract, paid_on, field="paid_on", now=now)
    account = collection_account(contract)
    payee_account = (payee_account or account).strip()
    if payee_account != account:
        raise DomainError(_("Pay into the agreed account %(account)s."),
                          params={"account": account}, code="wrong_account",
                          field="payee_account")
    if amount > contract.outstanding:
        raise RuleViolation(
            _("%(amount)s yuan is more than the %(left)s yuan still owed: paid may not exceed "
              "the contract amount."), params={"amount": f"{amount:,.2f}",
                                               "left": f"{contract.outstanding:,.2f}"},
            code="overpayment", basis=PAY_BASIS, field="amount")
    if invoice is None:
        if not contract.advance_percent:
            raise DomainError(_("This contract has no advance payment: pay an invoice."),
                              field="invoice")
        advanced = contract.payments.filter(kind=Payment.Kind.ADVANCE).aggregate(
            t=Sum("amount"))["t"] or Decimal("0")
        if advanced + amount > contract.advance_amount:
            raise DomainError(_("The advance payment is %(amount)s yuan in all."),
                              params={"amount": f"{contract.advance_amount:,.2f}"},
                              code="advance_exceeded", field="amount")
        kind = Payment.Kind.ADVANCE
    else:
        invoice = Invoice.objects.select_for_update().filter(pk=invoice.pk,
                                                             contract=contract).first()
        if invoice is None:
            raise DomainError(_("That invoice belongs to another contract."), field="invoice")
        if amount > invoice.outstanding:
            raise DomainError(_("Invoice %(number)s has %(left)s yuan outstanding."),
                              params={"number": invoice.number,
                                      "left": f"{invoice.outstanding:,.2f}"},
                              code="over_invoice", field="amount")
        kind = Payment.Kind.INVOICE
    payment = Payment.objects.create(contract=contract, invoice=invoice, kind=kind,
                                     amount=amount, paid_on=paid_on, voucher=voucher.strip(),
                                     payee_account=payee_account, recorded_by=actor,
                                     recorded_at=now)
    try:
        with transaction.atomic():
            Contract.objects.filter(pk=contract.pk).update(paid_total=F("paid_total") + amount)
            if invoice is not None:
                Invoice.objects.filter(pk=invoice.pk).update(
                    paid_total=F("paid_total") + amount)
    except IntegrityError:  # the database's own guard: paid ≤ amount
        raise RuleViolation(_("Paid may not exceed the contract amount."), code="overpayment",
                            basis=PAY_BASIS, field="amount") from None
    contract.refresh_from_db(fields=["paid_total"])
    settled = contract.paid_total >= contract.total_amount
    if settled:
        contract.paid_at = now
        transition(contract, C.PAID, table=CONTRACT, actor=actor, now=now,
                   reason=voucher.strip(), update_fields=["paid_at"])
    for open_invoice in contract.invoices.exclude(status=Invoice.Status.PAID):
        if settled or open_invoice.outstanding <= 0:
            # Nothing more is owed on it: paid itself, or the contract is paid in full.
            transition(open_invoice, Invoice.Status.PAID, table=INVOICE, actor=actor,
                       now=now, reason=voucher.strip())
            deadline_meet(subject=open_invoice, clock="payment.after_invoice", at=now,
                          actor=actor, now=now)
        elif open_invoice.pk == getattr(invoice, "pk", None) and INVOICE.can(
                open_invoice, "pay_part"):
            transition(open_invoice, Invoice.Status.PARTLY_PAID, table=INVOICE, actor=actor,
                       now=now, reason=voucher.strip())
    audit_record(action="payment.record", actor=actor, organization=contract.purchaser,
                 obj=contract, detail={"amount": amount, "kind": kind, "voucher": voucher,
                                       "invoice": invoice.number if invoice else None},
                 ip=ip, now=now)
    tell(contract, contract.supplier, key=f"payment:{payment.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}：已付款",
         body=f"采购人已支付{amount:,.2f}元（凭证{voucher}），累计已付"
              f"{contract.paid_total:,.2f}元。")
    send_on_commit(payment_recorded, sender=Payment, payment=payment, settled=settled)
    return payment
