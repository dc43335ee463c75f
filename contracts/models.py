"""Contracts to payment.

Contract: drafted → signing → signed → (acceptance requested ⇄ rectifying) → accepted → paid.
Publication and filing are dated steps beside the status (each on its clock).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Drafted, awaiting signatures")
        SIGNING = "signing", _("Signed by one party")
        SIGNED = "signed", _("Signed, in performance")
        ACCEPTANCE = "acceptance", _("Acceptance requested")
        RECTIFYING = "rectifying", _("Rectifying after a failed acceptance")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid in full")
        # Never signed by both: the award was revoked (procurement's ``award_revoked``).
        VOID = "void", _("Void: the award was revoked")

    class TermUnit(models.TextChoices):
        WORKDAYS = "workdays", _("working days")
        DAYS = "days", _("days")

    award = models.OneToOneField("procurement.Award", on_delete=models.PROTECT,
                                 related_name="contract")
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("contract title"), max_length=300)
    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  on_delete=models.PROTECT, related_name="contracts_bought")
    supplier = models.ForeignKey("accounts.Organization", verbose_name=_("supplier"),
                                 on_delete=models.PROTECT, related_name="contracts_supplied")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    amount = models.DecimalField(_("contract amount (yuan)"), max_digits=16, decimal_places=2)
    # The amount plus confirmed supplementary contracts (法 第49条: at most 10 % more).
    total_amount = models.DecimalField(_("amount with supplements (yuan)"), max_digits=16,
                                       decimal_places=2)
    paid_total = models.DecimalField(_("paid so far (yuan)"), max_digits=16, decimal_places=2,
                                     default=0)
    items = models.JSONField(_("items"), default=list)
    delivery_place = models.CharField(_("place of delivery"), max_length=200)
    delivery_deadline = models.DateField(_("delivery by"))
    delivery_terms = models.TextField(_("delivery and service terms"), blank=True)
    payment_term = models.PositiveSmallIntegerField(_("payment after the invoice"))
    payment_term_unit = models.CharField(_("unit"), max_length=10, choices=TermUnit.choices,
                                         default=TermUnit.WORKDAYS)
    acceptance_term = models.PositiveSmallIntegerField(
        _("acceptance organised within (working days)"), default=1,
        help_text=_("Used where the profile leaves it to the contract."))
    advance_percent = models.DecimalField(_("advance payment (%)"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    charges = models.JSONField(_("bonds and fees"), default=list, blank=True)
    special_terms = models.TextField(_("special terms"), blank=True)
    secret_fields = models.JSONField(_("left out of the publication as trade secrets"),
                                     default=list, blank=True)
    payee_name = models.CharField(_("payee account name"), max_length=200)
    payee_bank = models.CharField(_("payee bank"), max_length=200)
    payee_account = models.CharField(_("payee account number"), max_length=40)
    pdf = models.FileField(_("contract PDF"), upload_to="contracts/", storage=private_storage)
    pdf_sha256 = models.CharField(_("contract PDF SHA-256"), max_length=64)
    public_pdf = models.FileField(_("published PDF"), upload_to="contracts/public/",
                                  storage=private_storage, blank=True)
    suspended_reason = models.TextField(_("signing suspended because"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    signed_at = models.DateTimeField(_("signed by both at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid in full at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)
    void_reason = models.TextField(_("why it is void"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-drafted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "signing", "signed", "acceptance",
                                        "rectifying", "accepted", "paid", "void"]),
                name="contracts_contract_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contracts_amount_positive"),
            # What is paid never exceeds what is owed: enforced by the database too.
            models.CheckConstraint(condition=Q(paid_total__gte=0)
                                   & Q(paid_total__lte=F("total_amount")),
                                   name="contracts_paid_within_amount"),
            models.CheckConstraint(condition=Q(total_amount__gte=F("amount")),
                                   name="contracts_total_not_below_amount"),
            models.CheckConstraint(
                condition=Q(advance_percent__isnull=True)
                | Q(advance_percent__gt=0, advance_percent__lte=100),
                name="contracts_advance_percent_range"),
        ]
        indexes = [models.Index(fields=["purchaser", "status"], name="contracts_purch_idx"),
                   models.Index(fields=["supplier", "status"], name="contracts_suppl_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.pk])

    @property
    def outstanding(self):
        return self.total_amount - self.paid_total

    @property
    def advance_amount(self):
        if not self.advance_percent:
            return None
        return (self.amount * self.advance_percent / 100).quantize(Decimal("0.01"))


class Signature(models.Model):
    """One party's online signature, bound to the SHA-256 of the PDF it saw."""

    class Party(models.TextChoices):
        PURCHASER = "purchaser", _("Purchaser")
        SUPPLIER = "supplier", _("Supplier")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    pdf_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["contract", "party"],
                                               name="contracts_sign_once_per_party")]

    def __str__(self):
        return f"{self.contract} · {self.get_party_display()}"


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("delivery milestone")
        verbose_name_plural = _("delivery milestones")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


class Acceptance(models.Model):
    """One acceptance round: requested by the supplier, organised and recorded by the
    purchaser; a failure asks for rectification and a new request."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Awaiting acceptance")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed: rectify")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE,
                                 related_name="acceptances")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    request_note = models.TextField(_("what was delivered"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices,
                              default=Result.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateTimeField(_("accepted on"), null=True, blank=True)
    items_checked = models.TextField(_("items checked"), blank=True)
    members = models.JSONField(_("acceptance members"), default=list, blank=True)
    service_users_invited = models.BooleanField(_("service users invited"), default=False)
    public_service = models.BooleanField(_("a public service"), default=False)
    report = models.TextField(_("acceptance report"), blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract"], condition=Q(result="pending"),
                                    name="contracts_one_pending_acceptance"),
            models.CheckConstraint(condition=Q(result__in=["pending", "passed", "failed"]),
                                   name="contracts_acceptance_result_valid"),
        ]

    def __str__(self):
        return f"{self.contract} · {self.get_result_display()}"


def _invoice_path(instance, filename):
    # A name of our own: the invoice number and the uploaded name are the supplier's
    # text ("../", "/" …), kept in their columns, never in a path.
    return f"invoices/{instance.contract_id}/{uuid.uuid4().hex}.bin"


class Invoice(models.Model):
    """A supplier's invoice: on receipt the purchaser's payment clock starts. Its status
    moves through ``steps.INVOICE`` as payments are recorded against it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting payment")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    amount = models.DecimalField(_("invoice amount (yuan)"), max_digits=16, decimal_places=2)
    issued_on = models.DateField(_("invoice date"))
    file = models.FileField(_("invoice file"), upload_to=_invoice_path,
                            storage=private_storage, max_length=200)
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    paid_total = models.DecimalField(_("paid against it (yuan)"), max_digits=16,
                                     decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["received", "partly_paid", "paid"]),
                                   name="contracts_invoice_status_valid"),
            models.UniqueConstraint(fields=["contract", "number"],
                                    name="contracts_invoice_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="contracts_invoice_amount_positive"),
            models.CheckConstraint(condition=Q(paid_total__gte=0)
                                   & Q(paid_total__lte=F("amount")),
                                   name="contracts_invoice_paid_within_amount"),
        ]

    def __str__(self):
        return f"{self.contract.number} · {self.number}"

    @property
    def outstanding(self):
        return self.amount - self.paid_total


class Payment(models.Model):
    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance payment")
        INVOICE = "invoice", _("Payment of an invoice")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    voucher = models.CharField(_("payment voucher number"), max_length=60)
    payee_account = models.CharField(_("paid into account"), max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="contracts_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="advance", invoice__isnull=True)
                | Q(kind="invoice", invoice__isnull=False),
                name="contracts_payment_kind_matches_invoice"),
        ]

    def __str__(self):
        return f"{self.contract.number} · {self.amount}"


class Supplement(models.Model):
    """A supplementary contract for more of the same: at most 10 % of the original
    amount in total (法 第49条); it counts once the supplier confirms it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT,
                                 related_name="supplements")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    reason = models.TextField(_("what is added and why"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplementary contract")
        verbose_name_plural = _("supplementary contracts")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="contracts_supplement_positive")]

    def __str__(self):
        return f"{self.contract.number} + {self.amount}"


class LedgerRow(models.Model):
    """The purchaser's ledger (台账): one row per awarded lot, written once when the
    award is confirmed (``receivers.ledger_on_award_confirmed``), holding the award as
    it was made. Everything that moves afterwards — the contract's number, amount, dates
    and status, what is paid, the overdue clocks — is read live by
    ``selectors.ledger_of``, never copied here to go stale."""

    award = models.OneToOneField("procurement.Award", on_delete=models.PROTECT,
                                 related_name="ledger_row")
    purchaser = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                  related_name="ledger_rows")
    project_code = models.CharField(_("project number"), max_length=30)
    project_title = models.CharField(_("project name"), max_length=200)
    lot_number = models.PositiveSmallIntegerField(_("lot"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2)
    supplier_name = models.CharField(_("supplier"), max_length=200)
    award_amount = models.DecimalField(_("award amount (yuan)"), max_digits=16,
                                       decimal_places=2)
    awarded_at = models.DateTimeField(_("awarded at"))

    class Meta:
        verbose_name = _("ledger row")
        verbose_name_plural = _("ledger")
        ordering = ["-awarded_at"]

    def __str__(self):
        return f"{self.project_code} #{self.lot_number}"
