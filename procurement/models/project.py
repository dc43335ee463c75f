from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoAward(ObjectDoesNotExist, AttributeError):
    """A lot without a live award (``Lot.award``)."""


class Project(models.Model):
    """A procurement project and its procedure; lots carry budgets and bids."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        # 法 第27条; 条例 第23条: another method above the threshold, or a change of method.
        BUREAU_REVIEW = "bureau_review", _("Awaiting the finance bureau's approval")
        APPROVED = "approved", _("Approved")
        ANNOUNCED = "announced", _("Announced, bidding open")
        OPENED = "opened", _("Opened")
        EVALUATING = "evaluating", _("Under evaluation")
        AWARDED = "awarded", _("Awarded")
        FAILED = "failed", pgettext_lazy("procurement status", "Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        OPEN = "open", _("Open tendering")
        INVITED = "invited", _("Invitational tendering")
        NEGOTIATION = "negotiation", _("Competitive negotiation")
        CONSULTATION = "consultation", _("Competitive consultation")
        QUOTATION = "quotation", _("Request for quotations")
        SINGLE_SOURCE = "single_source", _("Single source")

    class SupplierException(models.TextChoices):
        """The cases where the rules let a procedure go on with two suppliers
        (``methods.MethodPolicy.exceptions``)."""
        NONE = "", _("None: at least three suppliers")
        FAILED_TENDER_TWO = "failed_tender_two", _(
            "After an open tender in which only two suppliers responded or qualified "
            "(74号令 第27条)")
        RESEARCH_TWO = "research_two", _(
            "Research project without sufficient competition, or a supported transfer of "
            "scientific results (财库〔2015〕124号)")

    code = models.CharField(_("project number"), max_length=30, unique=True)
    title = models.CharField(_("project name"), max_length=200)
    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  on_delete=models.PROTECT, related_name="projects")
    agency = models.ForeignKey("accounts.Organization", verbose_name=_("entrusted agency"),
                               null=True, blank=True, on_delete=models.PROTECT,
                               related_name="agency_projects")
    demand = models.ForeignKey("procurement.Demand", verbose_name=_("demand"),
                               on_delete=models.PROTECT, related_name="projects")
    budget_line = models.ForeignKey("procurement.BudgetLine", verbose_name=_("budget line"),
                                    on_delete=models.PROTECT, related_name="projects")
    method = models.CharField(_("procurement method"), max_length=15, choices=Method.choices)
    method_justification = models.TextField(
        _("reason for the method"), blank=True,
        help_text=_("Required for a method other than open tendering above the open-tender "
                    "threshold (条例 第23条)."))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.DRAFT)
    supplier_exception = models.CharField(
        _("fewer suppliers allowed"), max_length=20, blank=True,
        choices=SupplierException.choices, default=SupplierException.NONE,
        help_text=_("Only where the rules of the method allow two suppliers."))
    bid_deadline = models.DateTimeField(_("bid deadline and opening time"), null=True,
                                        blank=True)
    documents_from = models.DateTimeField(_("documents available from"), null=True,
                                          blank=True)
    documents_until = models.DateTimeField(_("documents available until"), null=True,
                                           blank=True)
    opening_place = models.CharField(_("opening place"), max_length=200,
                                     default="春风政采平台 网上开标大厅")
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"),
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    # 政府采购助理 (春风行动 第16条): the purchaser's or agency's person who guides the
    # winner through signing, acceptance and payment, and receives its node reminders.
    assistant = models.ForeignKey(settings.AUTH_USER_MODEL,
                                  verbose_name=_("procurement assistant"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="assisted_projects")
    retender_of = models.ForeignKey("self", verbose_name=_("re-tender of"), null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="retenders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procurement project")
        verbose_name_plural = _("procurement projects")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "bureau_review", "approved",
                                        "announced", "opened", "evaluating", "awarded",
                                        "failed", "cancelled"]),
                name="procurement_project_status_valid"),
            models.CheckConstraint(
                condition=Q(method__in=["open", "invited", "negotiation", "consultation",
                                        "quotation", "single_source"]),
                name="procurement_project_method_valid"),
            models.CheckConstraint(
                condition=Q(supplier_exception__in=["", "failed_tender_two", "research_two"]),
                name="procurement_project_supplier_exception_valid"),
            # 不相容岗位分离: whoever drafts may not approve.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("drafted_by")),
                name="procurement_project_approver_not_drafter"),
        ]
        indexes = [models.Index(fields=["purchaser", "status"], name="proc_project_org_idx")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("procurement:project-detail", args=[self.pk])

    @property
    def budget(self):
        return sum((lot.budget for lot in self.lots.all()), start=0)


class Lot(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet announced")
        BIDDING = "bidding", _("Bidding")
        OPENED = "opened", _("Opened")
        EVALUATING = "evaluating", _("Under evaluation")
        AWARDED = "awarded", _("Awarded")
        FAILED = "failed", pgettext_lazy("procurement status", "Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Reservation(models.TextChoices):
        NONE = "none", _("Not reserved")
        WHOLE = "whole", _("Reserved wholly for SMEs")
        PARTIAL = "partial", _("Partly reserved for SMEs")

    class NotReservedReason(models.TextChoices):
        """Why a lot within the reservation limits is not reserved for SMEs: the cases
        财库〔2020〕46号 第6条 allows (verify), and the re-run of a reserved lot stopped
        for too few SMEs (第10条). The basis of each: ``procurement.rules``."""

        NON_ENTERPRISE = "non_enterprise", _(
            "Laws or national policy require or prefer buying from public institutions, "
            "social organisations or other non-enterprises")
        ONLY_LARGE = "only_large", _(
            "Only suppliers other than SMEs can provide it: irreplaceable patents or "
            "proprietary technology, infrastructure limits, or a specific public service")
        NO_COMPETITION = "no_competition", _(
            "Reserving would not ensure sufficient supply and competition, or could defeat "
            "the aims of the procurement")
        FRAMEWORK = "framework", _("A framework-agreement procurement")
        PROVINCIAL = "provincial", _(
            "Another case set by a finance department at provincial level or above")
        TOO_FEW_SMES = "too_few_smes", _(
            "Re-run unreserved: the reserved lot had fewer SME bidders than required")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("lot name"), max_length=200)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2)
    ceiling_price = models.DecimalField(
        _("ceiling price (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True,
        help_text=_("Optional, at most the budget. A floor price is forbidden (87号令 第12条)."))
    sme_reservation = models.CharField(_("SME reservation"), max_length=8,
                                       choices=Reservation.choices, default=Reservation.NONE)
    reserved_share = models.DecimalField(_("reserved share (%)"), max_digits=5,
                                         decimal_places=2, null=True, blank=True)
    # 财库〔2020〕46号 第8条: of a partial reservation, the part for small and micro firms.
    reserved_small_micro_share = models.DecimalField(
        _("small and micro share of the reservation (%)"), max_digits=5, decimal_places=2,
        null=True, blank=True)
    # Why a lot the rules would reserve is not reserved (46号 第6条), shown to supervision.
    not_reserved_reason = models.CharField(_("reason for not reserving"), max_length=20,
                                           choices=NotReservedReason.choices, blank=True)
    not_reserved_detail = models.TextField(_("explanation for not reserving"), blank=True)
    # The price deductions the purchaser chose within the ranges of 财库〔2022〕19号,
    # printed in the tender announcement; NULL on lots drafted before: the minimum.
    sme_deduction = models.DecimalField(_("price deduction for small and micro firms (%)"),
                                        max_digits=5, decimal_places=2, null=True, blank=True)
    sme_consortium_deduction = models.DecimalField(
        _("price deduction for a consortium with small and micro members (%)"),
        max_digits=5, decimal_places=2, null=True, blank=True)
    # Stopped at opening with too few SME bidders (46号 第10条): re-run unreserved.
    sme_stopped = models.BooleanField(_("stopped for too few SMEs"), default=False)
    # What this lot procures: its share of the demand's items (each item in one lot).
    items = models.ManyToManyField("procurement.DemandItem", verbose_name=_("items"),
                                   related_name="lots", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    # This lot's data key, wrapped by BID_MASTER_KEY (procurement.sealing); set when
    # bidding opens. Never the key itself.
    wrapped_key = models.BinaryField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"],
                                    name="procurement_lot_unique_number"),
            models.CheckConstraint(condition=Q(budget__gt=0),
                                   name="procurement_lot_budget_positive"),
            models.CheckConstraint(
                condition=Q(ceiling_price__isnull=True)
                | Q(ceiling_price__gt=0, ceiling_price__lte=F("budget")),
                name="procurement_lot_ceiling_within_budget"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "bidding", "opened", "evaluating", "awarded",
                                        "failed", "cancelled"]),
                name="procurement_lot_status_valid"),
            models.CheckConstraint(
                condition=Q(not_reserved_reason__in=["", "non_enterprise", "only_large",
                                                     "no_competition", "framework",
                                                     "provincial", "too_few_smes"]),
                name="procurement_lot_not_reserved_reason_valid"),
        ]

    def __str__(self):
        return f"{self.project.code} #{self.number} {self.title}"

    def get_absolute_url(self):
        # The organiser's evaluation page, where the award.confirm clock is met.
        return reverse("procurement:evaluation", args=[self.pk])

    @property
    def award(self):
        """The lot's live award (a revoked one is history: ``awards``). Without one,
        raises ``NoAward`` — an ``AttributeError`` too, so ``hasattr(lot, "award")``
        and ``getattr(lot, "award", None)`` read as they did for the one-to-one."""
        found = self.awards.filter(revoked_at__isnull=True).first() if self.pk else None
        if found is None:
            raise NoAward(f"{self} has no live award")
        return found


class Announcement(models.Model):
    """A public notice about a project (101号令): published on the notice pages."""

    class Kind(models.TextChoices):
        TENDER = "tender", _("Tender announcement")
        CLARIFICATION = "clarification", _("Clarification or amendment")
        RESULT = "result", _("Result announcement")
        FAILURE = "failure", _("Failure announcement")
        CANCELLATION = "cancellation", _("Cancellation announcement")
        CONTRACT = "contract", _("Contract announcement")
        # 单一来源采购公示 (条例 第38条) and 资格预审公告 of invitational tendering
        # (87号令 第14条).
        SINGLE_SOURCE = "single_source", _("Single-source publicity")
        QUALIFICATION = "qualification", _("Qualification notice")
        # An award revoked after an upheld challenge (94号令 第16条, verify).
        RESULT_CHANGE = "result_change", _("Result change announcement")

    project = models.ForeignKey(Project, on_delete=models.PROTECT,
                                related_name="announcements")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    fields = models.JSONField(_("structured fields"), default=dict)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    moves_deadline_to = models.DateTimeField(_("new bid deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["kind", "-published_at"], name="proc_ann_kind_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("disclosure:notice-detail", args=[self.pk])
