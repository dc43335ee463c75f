"""The portal's index of everything published: one row per public notice, whatever app
keeps the notice itself.

The lifecycle apps keep their own records (an ``Announcement``, a published contract, a
challenge's answer, a complaint decision, a penalty …). The portal does not read a dozen
tables to list, search and feed them: each kind of notice has a *source* registered in
``disclosure.sources`` that turns the record into one ``Publication`` row — its title,
its text, who and what it is about, its amount and date — and ``disclosure.indexing``
writes the row after the record's transaction commits (and ``disclosure_reindex``
rebuilds them all). The row links back to the notice's own page (``url``): the stable
address a notice keeps.

The text is segmented by jieba (``search_text``) so that Chinese, which has no spaces,
can be searched by word; on PostgreSQL ``search_vector`` holds it as a ``tsvector``
(``simple`` configuration: the words are the segmenter's, not a stemmer's) under a GIN
index — the title's words weighted A, the body's D, so a title-only search is the same
index with the query's words restricted to weight A.
"""

import functools
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class PublicationKind(models.TextChoices):
    """Every kind of notice the portal publishes, in the order a procurement meets them.
    The value is also the kind's slug in the portal's addresses (``/portal/<kind>/``)."""

    INTENTION = "intention", _("Procurement intention")
    TENDER = "tender", _("Tender announcement")
    QUALIFICATION = "qualification", _("Qualification notice")
    SINGLE_SOURCE = "single-source", _("Single-source publicity")
    CLARIFICATION = "clarification", _("Clarification or amendment")
    OPENING = "opening", _("Opening result")
    RESULT = "result", _("Result announcement")
    RESULT_CHANGE = "result-change", _("Result change announcement")
    FAILURE = "failure", _("Failure announcement")
    CANCELLATION = "cancellation", _("Cancellation announcement")
    CONTRACT = "contract", pgettext_lazy("notice kind", "Contract")
    ACCEPTANCE = "acceptance", _("Acceptance result")
    CHALLENGE_ANSWER = "challenge-answer", _("Challenge answer")
    COMPLAINT_DECISION = "complaint-decision", _("Complaint decision")
    PENALTY = "penalty", _("Administrative penalty")
    BAD_BEHAVIOUR = "bad-behaviour", _("Bad-behaviour list")
    NORMATIVE = "normative", _("Normative document")
    APPROVAL = "approval", _("Administrative approval")


@functools.lru_cache(maxsize=128)
def kind_label(kind: str, language: str | None) -> str:
    """A kind's label in ``language`` (``get_kind_display`` hashes the lazy choices on
    every call: half of a 50-item feed's time, measured)."""
    return str(PublicationKind(kind).label) if kind in PublicationKind.values else kind


class Publication(models.Model):
    """One published notice as the portal lists, searches, feeds and caches it."""

    Kind = PublicationKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # The record the notice is (an Announcement, a Contract, a ComplaintDecision …).
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField()
    url = models.CharField(_("address"), max_length=300,
                           help_text=_("The notice's own page, its stable address"))
    # What the search filters by, copied from the record when it is indexed.
    project = models.ForeignKey("procurement.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="publications")
    project_code = models.CharField(_("project number"), max_length=30, blank=True)
    purchaser = models.ForeignKey("accounts.Organization", verbose_name=_("purchaser"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    agency = models.ForeignKey("accounts.Organization", verbose_name=_("agency"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # Who else the notice names (the winner, the complainant, the penalised …): their
    # names are searched with the text.
    parties = models.CharField(_("parties"), max_length=500, blank=True)
    region_code = models.CharField(_("region"), max_length=12, blank=True)
    category = models.CharField(_("category"), max_length=12, blank=True,
                                help_text=_("Goods, works or services"))
    catalogue_codes = models.CharField(
        _("catalogue codes"), max_length=300, blank=True,
        help_text=_("The 政府采购品目 codes of the items, separated by spaces"))
    method = models.CharField(_("procurement method"), max_length=15, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2,
                                 null=True, blank=True)
    published_at = models.DateTimeField(_("published at"))
    updated_at = models.DateTimeField(_("updated at"))
    # The title and the text as words (jieba), space-separated: what is searched.
    search_title = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source_type", "source_id"],
                                               name="disclosure_pub_source_uniq")]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="disclosure_pub_date_idx"),
            models.Index(fields=["kind", "-published_at", "-id"],
                         name="disclosure_pub_kind_idx"),
            models.Index(fields=["purchaser", "-published_at"],
                         name="disclosure_pub_purchaser_idx"),
            models.Index(fields=["project_code"], name="disclosure_pub_code_idx"),
            # The GIN index on search_vector is created by migration 0001 on PostgreSQL
            # only (SQLite has no tsvector: the fallback searches search_text).
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url

    @property
    def kind_label(self) -> str:
        """The kind's label in the active language, as lists and feeds print it."""
        return kind_label(self.kind, get_language())


# --- the finance bureau's own publications (issue #15) ----------------------------------

def _normative_attachment_path(instance, filename):
    return f"normative/{uuid.uuid4().hex}.pdf"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class NormativeDocument(models.Model):
    """A normative document (规范性文件) the finance bureau issues and publishes through
    the portal (101号令: policies are public). Drafted, published once, repealed once;
    a repealed document stays on the portal marked repealed, so that what applied when
    can still be read. The attachment (a PDF, checked by its bytes) is kept in private
    storage and served by ``disclosure.views.normative`` only once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        REPEALED = "repealed", _("Repealed")

    bureau = models.ForeignKey("accounts.Organization", verbose_name=_("finance bureau"),
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=60,
                              help_text=_("The 文号, e.g. 魏财购〔2026〕3号"))
    issuer = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    effective_on = models.DateField(_("in force from"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    body = models.TextField(_("text"))
    attachment = models.FileField(_("PDF attachment"), upload_to=_normative_attachment_path,
                                  storage=_private_storage, blank=True, max_length=300)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted at"))
    # The draft form's submission key: a double-click or a retry saves one draft.
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    repealed_at = models.DateTimeField(_("repealed at"), null=True, blank=True)
    repealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("repealed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    repeal_reason = models.TextField(_("reason for repeal"), blank=True)

    class Meta:
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "in_force", "repealed"]),
                                   name="disclosure_normativedocument_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="disclosure_normativedocument_published_has_date"),
            models.CheckConstraint(
                condition=~Q(status="repealed") | (Q(repealed_at__isnull=False)
                                                   & ~Q(repeal_reason="")),
                name="disclosure_normativedocument_repeal_reasoned"),
            models.CheckConstraint(condition=Q(effective_on__gte=F("issued_on")),
                                   name="disclosure_normativedocument_effective_after_issue"),
            # One document per 文号 once published; drafts may share a number meanwhile.
            models.UniqueConstraint(fields=["bureau", "number"], condition=~Q(status="draft"),
                                    name="disclosure_normativedocument_number_uniq"),
            models.UniqueConstraint(fields=["bureau", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="disclosure_normativedocument_key_uniq"),
        ]
        indexes = [models.Index(fields=["status", "-issued_on"],
                                name="disclosure_normdoc_status_idx")]

    def __str__(self):
        return f"{self.title}（{self.number}）"

    def get_absolute_url(self):
        return reverse("disclosure:normative-detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT


class AgencyPractice(models.Model):
    """One agency's practice in one year (春风行动 23, verify: the agencies' practice is
    published and ranked): what the finance bureau's daily recomputation
    (``disclosure.tasks_practice``) counted. The saving *rate* is computed from the two
    sums it is made of, not stored a second time.

    - ``staff``: active members of the agency now (a figure of the day, the same on each
      of the agency's rows);
    - ``projects``, ``project_amount``: projects entrusted to it and announced in the
      year, and the sum of their lots' budgets;
    - ``awarded_budget``, ``awarded_amount``: over the lots of those projects with a live
      award, their budgets and the award amounts;
    - ``complaints``, ``complaints_upheld``: complaints about its projects received in
      the year, and those decided upheld (wholly or partly);
    - ``credit_records``: its own negative credit records of the year; ``penalties``: the
      administrative penalties decided against it in the year."""

    agency = models.ForeignKey("accounts.Organization", verbose_name=_("agency"),
                               on_delete=models.CASCADE, related_name="practice")
    year = models.PositiveSmallIntegerField(_("year"))
    staff = models.PositiveIntegerField(_("staff"), default=0)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    project_amount = models.DecimalField(_("project budgets (yuan)"), max_digits=18,
                                         decimal_places=2, default=Decimal("0"))
    awarded_budget = models.DecimalField(_("budgets of awarded lots (yuan)"), max_digits=18,
                                         decimal_places=2, default=Decimal("0"))
    awarded_amount = models.DecimalField(_("award amounts (yuan)"), max_digits=18,
                                         decimal_places=2, default=Decimal("0"))
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    complaints_upheld = models.PositiveIntegerField(_("complaints upheld"), default=0)
    credit_records = models.PositiveIntegerField(_("bad credit records"), default=0)
    penalties = models.PositiveIntegerField(_("administrative penalties"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("agency practice")
        verbose_name_plural = _("agency practice")
        ordering = ["-year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"],
                                    name="disclosure_agencypractice_once_a_year"),
            models.CheckConstraint(
                condition=Q(project_amount__gte=0) & Q(awarded_budget__gte=0)
                & Q(awarded_amount__gte=0),
                name="disclosure_agencypractice_amounts_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "agency"], name="disclosure_practice_year_idx")]

    def __str__(self):
        return f"{self.agency} · {self.year}"

    @property
    def savings(self) -> Decimal:
        return self.awarded_budget - self.awarded_amount

    @property
    def savings_rate(self) -> Decimal | None:
        """(budget − award amount) / budget over the awarded lots, in per cent."""
        if not self.awarded_budget:
            return None
        return (self.savings * 100 / self.awarded_budget).quantize(Decimal("0.01"))
