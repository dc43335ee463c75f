from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BudgetLine(models.Model):
    """A purchaser's approved budget for one purpose in one year (预算指标).

    What is available is the amount minus what live projects have committed
    (procurement.selectors.budget_available).
    """

    class Source(models.TextChoices):
        FISCAL = "fiscal", _("Fiscal appropriation")
        SPECIAL = "special", _("Special fund")
        OWN = "own", _("Own funds")
        OTHER = "other", _("Other")

    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("budget year"))
    code = models.CharField(_("budget code"), max_length=40)
    name = models.CharField(_("purpose"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source of funds"), max_length=10, choices=Source.choices,
                              default=Source.FISCAL)
    economic_class = models.CharField(
        _("economic classification"), max_length=20, blank=True,
        help_text=_("政府预算支出经济分类, e.g. 30218 (special materials)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="procurement_budgetline_amount_positive"),
            models.UniqueConstraint(fields=["purchaser", "year", "code"],
                                    name="procurement_budgetline_unique_code"),
        ]

    def __str__(self):
        return f"{self.year} {self.code} {self.name}"


class Threshold(models.Model):
    """公开招标数额标准 and 采购限额标准, set by the province, by effective date.

    Not constants: the province changes them (条例 第28条 splitting is judged
    against the standard in force).
    """

    class Category(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Services")
        ENGINEERING = "engineering", _("Engineering")

    class Kind(models.TextChoices):
        OPEN_TENDER = "open_tender", _("Open tendering required from")
        PROCUREMENT = "procurement", _("Government procurement applies from")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("basis"), max_length=200)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["kind", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "category", "effective_from"],
                                    name="procurement_threshold_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_category_display()} {self.amount}"
