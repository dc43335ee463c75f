"""Invoices and payments on the payment clock; the advance payment; late interest."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core import uploads
from core.exceptions import DomainError, InvalidTransition, RuleViolation
from deadlines.models import Deadline
from deadlines.services import deadline_meet, deadline_open
from procurement import sealing
from rules.registry import rule

from ..models import Contract, FinancingApplication, Invoice, Payment
from ..rules import is_sme, validate_performance_date
from .common import ledger_sync, locked, require_member, tell

C = Contract.Status
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


@transaction.atomic
def invoice_submit(*, contract: Contract, actor, number: str, amount: Decimal,
                   issued_on: dt.date, file_name: str, file_data: bytes, now=None,
                   ip=None) -> Invoice:
    """The supplier submits an invoice; the purchaser's payment clock starts on receipt
    (春风行动 第18条: 2 working days)."""
    now = now or timezone.now()
    contract = locked(contract)
    require_member(actor, contract.supplier)
    if contract.status not in (C.SIGNED, C.ACCEPTANCE, C.RECTIFYING, C.ACCEPTED):
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
    deadline_open(subject=invoice, clock="payment.after_invoice",
                  organization=contract.purchaser, start=now, now=now, actor=actor)
    audit_record(action="invoice.submit", actor=actor, organization=contract.supplier,
                 obj=contract, detail={"invoice": number, "amount": amount}, ip=ip, now=now)
    pay = rule("payment.after_invoice")
    tell(contract, contract.purchaser, key=f"invoice:{invoice.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}：收到发票",
         body=f"{contract.supplier.name}提交发票{number}，金额{amount:,.2f}元，"
              f"请在{pay.display_value()}内付款（{pay.basis}）。")
    ledger_sync(contract.award, now=now)
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


def collection_account(contract: Contract) -> str:
    """Where money goes: the collection account agreed with the financing bank, if the
    supplier's financing is live; otherwise the contract's payee account."""
    live = FinancingApplication.objects.filter(
        contract=contract, status__in=["approved", "disbursed"]).exclude(
        collection_account="").first()
    return live.collection_account if live else contract.payee_account


@transaction.atomic
def payment_record(*, contract: Contract, actor, amount: Decimal, paid_on: dt.date,
                   voucher: str, invoice: Invoice | None = None, payee_account: str = "",
                   now=None, ip=None) -> Payment:
    """Record a payment: the advance (when the contract has one) or against an invoice.

    Paid never exceeds the contract (a database constraint backs this check); the
    payment goes to the agreed account; an invoice paid in full — or a contract
    paid in full — meets its payment clock."""
    now = now or timezone.now()
    contract = locked(contract)
    require_member(actor, contract.purchaser)
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
        contract.status, contract.paid_at = C.PAID, now
        contract.save(update_fields=["status", "paid_at"])
    for open_invoice in contract.invoices.all():
        if settled or open_invoice.outstanding <= 0:
            deadline_meet(subject=open_invoice, clock="payment.after_invoice", at=now,
                          actor=actor, now=now)
    audit_record(action="payment.record", actor=actor, organization=contract.purchaser,
                 obj=contract, detail={"amount": amount, "kind": kind, "voucher": voucher,
                                       "invoice": invoice.number if invoice else None},
                 ip=ip, now=now)
    tell(contract, contract.supplier, key=f"payment:{payment.pk}", now=now,
         category="contracts.payment", subject=f"{contract.title}：已付款",
         body=f"采购人已支付{amount:,.2f}元（凭证{voucher}），累计已付"
              f"{contract.paid_total:,.2f}元。")
    ledger_sync(contract.award, now=now)
    return payment


def late_interest(invoice: Invoice, *, now=None) -> Decimal:
    """Interest owed to an SME for paying this invoice late: for each day past the
    payment clock, what was still unpaid that day × the daily rate (0.05 % unless
    agreed; 保障中小企业款项支付条例 第15条). Payments made late still owe the interest
    of the days they were late. Zero for a supplier that is not an SME."""
    now = now or timezone.now()
    if not is_sme(invoice.contract.supplier):
        return Decimal("0.00")
    clock = Deadline.objects.filter(
        clock="payment.after_invoice", subject_type=ContentType.objects.get_for_model(Invoice),
        subject_id=str(invoice.pk)).order_by("-started_at").first()
    if clock is None:
        return Decimal("0.00")
    due = timezone.localdate(clock.due_at)
    rate = Decimal(rule("payment.late_interest").amount) / 100
    unpaid, day, total = invoice.amount, due, Decimal("0")
    for payment in invoice.payments.order_by("paid_on", "id"):
        if payment.paid_on > day:
            total += unpaid * rate * (payment.paid_on - day).days
            day = payment.paid_on
        unpaid -= payment.amount
    today = timezone.localdate(now)
    if unpaid > 0 and today > day:
        total += unpaid * rate * (today - day).days
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)
