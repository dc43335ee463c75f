"""询问 and 质疑: a supplier's question, and its written challenge with objections.

Inquiry: open → answered (3 WD, 条例 第52条).
Challenge: pending → answered | rejected | withdrawn. The window to file one is computed
per supplier and trigger (``complaints.windows``); a late or ineligible challenge is
refused before anything is saved.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Inquiry(models.Model):
    """询问: any supplier asks about a project; the purchaser or its agency answers in
    writing within 3 working days (条例 第52条), visible to the asker."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")

    project = models.ForeignKey("procurement.Project", on_delete=models.PROTECT,
                                related_name="inquiries", verbose_name=_("project"))
    supplier = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="inquiries", verbose_name=_("supplier"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_for = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("answered for"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(name="complaints_inquiry_status_valid",
                                   condition=Q(status__in=["open", "answered"])),
            models.CheckConstraint(
                name="complaints_inquiry_answered_has_answer",
                condition=Q(status="open") | (~Q(answer="") & Q(answered_at__isnull=False))),
        ]

    def __str__(self):
        return f"{self.project.code} 询问 #{self.pk}"

    def get_absolute_url(self):
        return reverse("complaints:inquiry-detail", args=[self.pk])


class Challenge(models.Model):
    """质疑: a supplier's written challenge of the documents, a stage of the procedure
    or the result, within 7 working days of when it knew (法 第52条; 条例 第53条)."""

    class Trigger(models.TextChoices):
        DOCUMENTS = "documents", _("The procurement documents")
        PROCESS = "process", _("A stage of the procedure")
        RESULT = "result", _("The award result")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class RejectReason(models.TextChoices):
        # ProZorro's typed refusals: what the reviewer may refuse a filed challenge for.
        NOT_A_PARTY = "not_a_party", _("The supplier is not a party to the matter")
        NO_FACTS = "no_facts", _("No facts or evidence are given")
        NOT_SIGNED = "not_signed", _("Not signed by the supplier's representative")
        DUPLICATE = "duplicate", _("The same matter was already challenged and answered")
        OUT_OF_SCOPE = "out_of_scope", _("Not a matter for a challenge")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY = "partly", _("Partly upheld")
        DISMISSED = "dismissed", _("Dismissed")

    class Remedy(models.TextChoices):
        NONE = "none", _("No change to the procedure")
        AMEND = "amend", _("The documents amended (clarification)")
        REEVALUATE = "reevaluate", _("Re-evaluation")
        RETENDER = "retender", _("Re-tender")

    number = models.CharField(_("number"), max_length=30, unique=True)
    project = models.ForeignKey("procurement.Project", on_delete=models.PROTECT,
                                related_name="challenges", verbose_name=_("project"))
    supplier = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="challenges", verbose_name=_("supplier"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    trigger = models.CharField(_("what is challenged"), max_length=10,
                               choices=Trigger.choices)
    # The window this challenge was filed in, as computed when it was filed.
    window_opened_at = models.DateTimeField(_("the supplier knew on"))
    window_closes_at = models.DateTimeField(_("window closes at"))
    filed_at = models.DateTimeField(_("filed at"))
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    may_change_result = models.BooleanField(
        _("may change the result"), default=False,
        help_text=_("Signing or performance is suspended meanwhile (条例 第54条)."))
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    answer_summary = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               blank=True)
    remedy = models.CharField(_("consequence"), max_length=10, choices=Remedy.choices,
                              blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_for = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("answered for"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_published_at = models.DateTimeField(_("answer published at"), null=True,
                                               blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=15,
                                     choices=RejectReason.choices, blank=True)
    reject_detail = models.TextField(_("rejection details"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A repeated filing with the same key (a double-click, a client's retry) returns the
    # first challenge (migration 0002_challenges_idempotency).
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(name="complaints_challenge_status_valid",
                                   condition=Q(status__in=["pending", "answered", "rejected",
                                                           "withdrawn"])),
            models.CheckConstraint(name="complaints_challenge_trigger_valid",
                                   condition=Q(trigger__in=["documents", "process", "result"])),
            models.CheckConstraint(
                name="complaints_challenge_filed_in_window",
                condition=Q(filed_at__lte=models.F("window_closes_at"))),
            models.CheckConstraint(
                name="complaints_challenge_rejected_has_reason",
                condition=~Q(status="rejected") | ~Q(reject_reason="")),
            models.UniqueConstraint(fields=["supplier", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="complaints_challenge_idempotency"),
        ]
        indexes = [models.Index(fields=["project", "status"], name="compl_chal_proj_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:challenge-detail", args=[self.pk])


class Objection(models.Model):
    """One item of a challenge (ProZorro's complaint structure): what it relates to, the
    legal ground, the facts and arguments, the remedy asked; answered item by item."""

    class RelatesTo(models.TextChoices):
        DOCUMENTS = "documents", _("The procurement documents")
        LOT = "lot", _("A lot")
        AWARD = "award", _("The award")
        QUALIFICATION = "qualification", _("A qualification decision")
        PROCESS = "process", _("The conduct of the procedure")

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY = "partly", _("Partly upheld")
        DISMISSED = "dismissed", _("Dismissed")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE,
                                  related_name="objections")
    number = models.PositiveSmallIntegerField(_("item"))
    relates_to = models.CharField(_("relates to"), max_length=15, choices=RelatesTo.choices)
    lot = models.ForeignKey("procurement.Lot", on_delete=models.PROTECT, null=True,
                            blank=True, related_name="+", verbose_name=_("lot"))
    legal_ground = models.TextField(_("legal ground"))
    facts = models.TextField(_("facts and arguments"))
    remedy_requested = models.TextField(_("remedy requested"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["challenge", "number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"],
                                    name="complaints_objection_number_unique"),
            models.CheckConstraint(
                name="complaints_objection_answered_has_decision",
                condition=Q(answered_at__isnull=True) | (~Q(decision="") & ~Q(answer=""))),
        ]

    def __str__(self):
        return f"{self.challenge.number} ({self.number})"


class ChallengeMessage(models.Model):
    """The question-and-answer thread between the reviewer (purchaser or agency) and
    one party of a challenge (the challenger, or another supplier concerned)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE,
                                  related_name="messages")
    party = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("party"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    author_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                   related_name="+")
    body = models.TextField(_("message"))
    at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("challenge message")
        verbose_name_plural = _("challenge messages")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.challenge.number} · {self.party}"
