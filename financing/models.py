"""Contract financing (政府采购合同融资, 春风行动 第26条): banks' offers to winners, the
supplier's application with its consent to one bank, the bank's decision, disbursement,
repayments and the supplier's rating.

Application: applied → approved → disbursed → repaid, or applied → refused; the steps
are ``steps.APPLICATION``, taken only through ``core.transitions.transition``.

These tables were born in ``contracts`` and moved here without moving the data: each
model keeps its table (``db_table``) and its constraints keep their ``contracts_*``
names, so the state the migrations describe is the database as it stands
(``financing/migrations/0001_initial.py``)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FinancingOffer(models.Model):
    """A bank's standing financing product for winners of government contracts."""

    bank = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                             related_name="financing_offers")
    name = models.CharField(_("product"), max_length=200)
    rate = models.CharField(_("annual rate"), max_length=60)
    max_percent = models.DecimalField(_("up to (per cent of the contract)"), max_digits=5,
                                      decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    description = models.TextField(_("conditions"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        db_table = "contracts_financingoffer"
        verbose_name = _("financing offer")
        verbose_name_plural = _("financing offers")
        ordering = ["bank__name", "name"]

    def __str__(self):
        return f"{self.bank.name} · {self.name}"


class FinancingApplication(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied: the bank is reviewing")
        APPROVED = "approved", pgettext_lazy("financing status", "Approved")
        REFUSED = "refused", _("Refused")
        DISBURSED = "disbursed", _("Disbursed")
        REPAID = "repaid", _("Repaid")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT,
                                 related_name="financing_applications")
    supplier = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="financing_applications")
    bank = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                             related_name="financing_received")
    offer = models.ForeignKey(FinancingOffer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="applications")
    amount = models.DecimalField(_("amount asked (yuan)"), max_digits=16, decimal_places=2)
    # The supplier's consent to share its award and contract with this bank only.
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.APPLIED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    approved_amount = models.DecimalField(_("approved amount (yuan)"), max_digits=16,
                                          decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("annual rate (%)"), max_digits=5, decimal_places=2,
                               null=True, blank=True)
    collection_account = models.CharField(_("collection account agreed with the bank"),
                                          max_length=40, blank=True)
    collection_bank = models.CharField(_("bank of the collection account"), max_length=200,
                                       blank=True)
    disbursed_at = models.DateTimeField(_("disbursed at"), null=True, blank=True)
    disbursed_amount = models.DecimalField(_("disbursed (yuan)"), max_digits=16,
                                           decimal_places=2, null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"))

    class Meta:
        db_table = "contracts_financingapplication"
        verbose_name = _("financing application")
        verbose_name_plural = _("financing applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applied", "approved", "refused", "disbursed",
                                        "repaid"]),
                name="financing_application_status_valid"),
            models.UniqueConstraint(fields=["contract"],
                                    condition=Q(status__in=["applied", "approved", "disbursed"]),
                                    name="contracts_one_live_financing"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="contracts_financing_amount_positive"),
            models.CheckConstraint(condition=Q(rating__isnull=True)
                                   | Q(rating__gte=1, rating__lte=5),
                                   name="contracts_financing_rating_range"),
            # A decision is whole: an approval names the amount (never more than asked),
            # the rate and the account the purchaser pays into; a refusal, its reason.
            models.CheckConstraint(
                condition=Q(status="applied")
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="contracts_financing_decided"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "disbursed", "repaid"])
                | (Q(approved_amount__isnull=False) & Q(approved_amount__lte=F("amount"))
                   & Q(rate__isnull=False) & ~Q(collection_account="")),
                name="contracts_financing_approval_whole"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(decision_reason=""),
                                   name="contracts_financing_refusal_reason"),
            # Disbursed: when and how much, never more than approved.
            models.CheckConstraint(
                condition=~Q(status__in=["disbursed", "repaid"])
                | (Q(disbursed_at__isnull=False) & Q(disbursed_amount__isnull=False)
                   & Q(disbursed_amount__lte=F("approved_amount"))),
                name="contracts_financing_disbursement_whole"),
        ]

    def __str__(self):
        return f"{self.supplier.name} → {self.bank.name}: {self.amount}"


class Repayment(models.Model):
    application = models.ForeignKey(FinancingApplication, on_delete=models.CASCADE,
                                    related_name="repayments")
    due_date = models.DateField(_("due"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    paid_at = models.DateTimeField(_("repaid at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        db_table = "contracts_repayment"
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="contracts_repayment_positive"),
            # A repayment is recorded as received by someone of the bank, or not at all.
            models.CheckConstraint(condition=Q(paid_at__isnull=True, recorded_by__isnull=True)
                                   | Q(paid_at__isnull=False, recorded_by__isnull=False),
                                   name="contracts_repayment_recorded_by"),
        ]

    def __str__(self):
        return f"{self.due_date}: {self.amount}"
