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

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
