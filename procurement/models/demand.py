from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProcurementIntention(models.Model):
    """采购意向: published at least 30 days before procurement starts (财库〔2020〕10号)."""

    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  on_delete=models.PROTECT, related_name="intentions")
    title = models.CharField(_("project name"), max_length=200)
    summary = models.TextField(_("what is to be bought"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2)
    expected_month = models.DateField(_("expected month of procurement"))
    published_at = models.DateTimeField(_("published at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("procurement intention")
        verbose_name_plural = _("procurement intentions")
        ordering = ["-published_at"]
        constraints = [models.CheckConstraint(condition=Q(budget__gt=0),
                                              name="procurement_intention_budget_positive")]

    def __str__(self):
        return self.title


class Demand(models.Model):
    """采购需求: what is bought, the requirements, and how bids will be judged."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CHECKED = "checked", _("Checked")
        USED = "used", _("Used by a project")

    class Method(models.TextChoices):
        LOWEST_PRICE = "lowest_price", _("Lowest evaluated price")
        SCORING = "scoring", _("Comprehensive scoring")

    class TieBreak(models.TextChoices):
        # 87号令 第56、57条: a tie is settled as the procurement documents say.
        DRAW = "draw", _("Random draw (seed recorded)")
        TECHNICAL = "technical", _("Higher technical score first, then a draw")

    class Category(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Services")
        ENGINEERING = "engineering", _("Engineering")

    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  on_delete=models.PROTECT, related_name="demands")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    budget_line = models.ForeignKey("procurement.BudgetLine", verbose_name=_("budget line"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="demands")
    intention = models.ForeignKey(ProcurementIntention, verbose_name=_("procurement intention"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="demands")
    technical_requirements = models.TextField(_("technical requirements"))
    commercial_requirements = models.TextField(_("commercial requirements"), blank=True)
    qualification_conditions = models.TextField(_("supplier qualification conditions"),
                                                blank=True)
    evaluation_method = models.CharField(_("evaluation method"), max_length=15,
                                         choices=Method.choices, default=Method.SCORING)
    tie_break = models.CharField(_("tie-break"), max_length=10, choices=TieBreak.choices,
                                 default=TieBreak.DRAW)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procurement demand")
        verbose_name_plural = _("procurement demands")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "checked", "used"]),
                                   name="procurement_demand_status_valid"),
            models.CheckConstraint(condition=Q(tie_break__in=["draw", "technical"]),
                                   name="procurement_demand_tie_break_valid"),
        ]

    def __str__(self):
        return self.title


class DemandItem(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=200)
    catalog_item = models.ForeignKey("core.CatalogItem", verbose_name=_("catalogue code"),
                                     on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    specification = models.TextField(_("specification"), blank=True)
    is_core = models.BooleanField(
        _("core product"), default=False,
        help_text=_("For multi-product lots the same-brand rule applies to the core product "
                    "(87号令 第31条)."))

    class Meta:
        verbose_name = _("demand item")
        verbose_name_plural = _("demand items")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="procurement_demanditem_quantity_positive")]

    def __str__(self):
        return f"{self.name} × {self.quantity} {self.unit}"


class EvaluationCriterion(models.Model):
    """One scoring factor (综合评分法) with its weight out of 100."""

    class Kind(models.TextChoices):
        PRICE = "price", _("Price")
        TECHNICAL = "technical", _("Technical")
        COMMERCIAL = "commercial", _("Commercial")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("factor"), max_length=200)
    weight = models.DecimalField(_("weight (points)"), max_digits=5, decimal_places=2)
    description = models.TextField(_("how it is scored"), blank=True)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100),
                                              name="procurement_criterion_weight_range")]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class FairnessPattern(models.Model):
    """An admin-editable pattern of the fair-competition check (春风行动 1–4, 19).

    A ``condition`` pattern flags a qualification or scoring condition unless its
    exception (a lawful negation) is found in the same scope of the sentence; a ``fee``
    pattern names a fee or bond whose sums the reader takes and the rule registry judges
    (``fees.*``), its exception being the words that waive it (see ``procurement.fairness``).
    """

    class Severity(models.TextChoices):
        BLOCK = "block", _("Clear violation: refused")
        WARN = "warn", _("Possible violation: justify to proceed")

    class Reader(models.TextChoices):
        CONDITION = "condition", _("Condition (matched unless negated)")
        FEE = "fee", _("Fee or bond (amount and percentage read, judged by the rules)")

    class Topic(models.TextChoices):
        LOCALITY = "locality", _("Local registration, presence or performance")
        OWNERSHIP = "ownership", _("Ownership or foreign investment")
        SIZE = "size", _("Size thresholds")
        BRAND = "brand", _("Named brand, maker or origin")
        YEARS = "years", _("Years in business")
        HONOURS = "honours", _("Awards, honours or memberships")
        ROSTER = "roster", _("Prior listing in a roster or pool")
        FORMALITY = "formality", _("Invalidation for form (binding, paper, order)")
        BID_BOND = "bid_bond", _("Bid bond")
        PERFORMANCE_BOND = "perf_bond", _("Performance bond")
        DOCUMENT_FEE = "document_fee", _("Fee for procurement documents")
        PLATFORM_FEE = "platform_fee", _("Platform or transaction fee")
        AGENCY_FEE = "agency_fee", _("Service fee of the central procurement agency")
        OTHER = "other", _("Other")

    FEE_TOPICS = ("bid_bond", "perf_bond", "document_fee", "platform_fee", "agency_fee")

    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    reader = models.CharField(
        _("reader"), max_length=9, choices=Reader.choices, default=Reader.CONDITION,
        help_text=_("Fee patterns name a fee or bond; whether it is allowed, and up to what "
                    "percentage, comes from the rule profile in force."))
    severity = models.CharField(_("severity"), max_length=5, choices=Severity.choices)
    pattern = models.CharField(_("regular expression"), max_length=500)
    exception = models.CharField(
        _("unless"), max_length=300, blank=True,
        help_text=_("A regular expression that makes a match lawful: for a condition, found "
                    "in the sub-clause matched or opening the next one that qualifies it "
                    "(e.g. “不作为评审因素”, or “或相当于” after a brand); for a fee, the words "
                    "that waive it, found in the fee's own sub-clause (e.g. “不收取|免收”). "
                    "Sums such as “0元” are read as numbers: do not list them here."))
    message = models.CharField(_("explanation shown"), max_length=300)
    basis = models.CharField(_("legal basis"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fair-competition pattern")
        verbose_name_plural = _("fair-competition patterns")
        ordering = ["topic", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reader__in=["condition", "fee"]),
                                   name="procurement_fairnesspattern_reader_valid"),
            # A fee pattern must say which fee, so that the registry's rule for it applies.
            models.CheckConstraint(
                condition=Q(reader="condition") | Q(topic__in=[
                    "bid_bond", "perf_bond", "document_fee", "platform_fee", "agency_fee"]),
                name="procurement_fairnesspattern_fee_topic"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()}: {self.pattern}"


class FairnessFinding(models.Model):
    """What the check found in a demand; warnings may be overridden with a justification
    that supervision sees."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="findings")
    pattern = models.ForeignKey(FairnessPattern, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    severity = models.CharField(_("severity"), max_length=5,
                                choices=FairnessPattern.Severity.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=FairnessPattern.Topic.choices)
    field = models.CharField(_("field"), max_length=40)
    excerpt = models.CharField(_("excerpt"), max_length=300)
    message = models.CharField(_("explanation"), max_length=300)
    basis = models.CharField(_("legal basis"), max_length=200)
    justification = models.TextField(_("justification"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fair-competition finding")
        verbose_name_plural = _("fair-competition findings")
        ordering = ["-severity", "id"]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.excerpt}"

    @property
    def is_open(self) -> bool:
        return self.severity == FairnessPattern.Severity.BLOCK or not self.overridden_at
