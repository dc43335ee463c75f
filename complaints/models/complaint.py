"""投诉 to the finance bureau, and mediation of performance disputes.

Complaint: submitted → (correcting → submitted) → accepted → decided, or rejected
(不予受理) / withdrawn. The acceptance review's clock (5 WD, 94号令 第21条) pauses while
the complainant corrects; the decision's (30 WD, 法 第56条; 条例 第58条) pauses for
testing, expert review and corrections (``ComplaintPause``).

Mediation (春风行动 29): requested → accepted → settled | withdrawn | referred, or
declined.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import private_storage


class Complaint(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("On paper or in person")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under acceptance review")
        CORRECTING = "correcting", _("Corrections requested")
        ACCEPTED = "accepted", _("Accepted, under investigation")
        REJECTED = "rejected", _("Not accepted")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY = "partly", _("Partly upheld")
        DISMISSED = "dismissed", _("Dismissed")

    number = models.CharField(_("number"), max_length=30, unique=True)
    challenge = models.ForeignKey("complaints.Challenge", on_delete=models.PROTECT,
                                  related_name="complaints", verbose_name=_("challenge"))
    complainant = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                    related_name="complaints", verbose_name=_("complainant"))
    matters = models.ManyToManyField("complaints.Objection", related_name="complaints",
                                     verbose_name=_("matters complained of"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices,
                               default=Channel.ONLINE)
    request = models.TextField(_("what the complainant asks"))
    facts = models.TextField(_("facts and grounds"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("filed by"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("registered by (offline)"))
    filed_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    correction_request = models.TextField(_("corrections requested"), blank=True)
    correction_requested_at = models.DateTimeField(null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for not accepting"), blank=True)
    # The respondent's written reply (94号令 第22条): the purchaser's or the agency's
    # explanation, with its evidence (``Evidence`` role "answer").
    reply_text = models.TextField(_("the respondent's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    reply_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("replied for"))
    procurement_suspended_at = models.DateTimeField(null=True, blank=True)
    procurement_suspended_until = models.DateTimeField(
        _("procurement suspended until"), null=True, blank=True,
        help_text=_("At most 30 days (法 第57条)."))
    procurement_resumed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices,
                               blank=True)
    decision_text = models.TextField(_("decision and reasons"), blank=True)
    decision_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # Findings that write credit records (complaints.credit).
    false_materials = models.BooleanField(_("the complainant's materials were false"),
                                          default=False)
    malicious = models.BooleanField(_("the complaint was malicious"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_pdf = models.FileField(_("decision"), upload_to="complaints/decisions/",
                                    storage=private_storage, blank=True)
    decision_sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="complaints_complaint_status_valid",
                condition=Q(status__in=["submitted", "correcting", "accepted", "rejected",
                                        "decided", "withdrawn"])),
            models.CheckConstraint(
                name="complaints_complaint_decided_has_outcome",
                condition=~Q(status="decided") | (~Q(outcome="") & Q(decided_at__isnull=False))),
            models.CheckConstraint(
                name="complaints_complaint_offline_registered",
                condition=Q(channel="online") | Q(registered_by__isnull=False)),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:complaint-detail", args=[self.pk])


class ComplaintPause(models.Model):
    """A period the decision's clock does not count (条例 第58条): the complainant's
    corrections, testing, expert review."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Corrections by the complainant")
        TESTING = "testing", _("Testing or inspection")
        EXPERT_REVIEW = "expert_review", _("Expert review")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint pause")
        verbose_name_plural = _("complaint pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(ended_at__isnull=True),
                                    name="complaints_pause_one_open"),
        ]

    def __str__(self):
        return f"{self.complaint.number} · {self.get_kind_display()}"


class Mediation(models.Model):
    """A dispute between purchaser and supplier during performance (late payment,
    acceptance) brought to mediation (春风行动 29)."""

    class Subject(models.TextChoices):
        LATE_PAYMENT = "late_payment", _("Late payment")
        ACCEPTANCE = "acceptance", _("Acceptance")
        PERFORMANCE = "performance", _("Other performance dispute")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("In mediation")
        SETTLED = "settled", _("Settled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFERRED = "referred", _("Referred elsewhere")
        DECLINED = "declined", _("Declined")

    number = models.CharField(_("number"), max_length=30, unique=True)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT,
                                 related_name="mediations", verbose_name=_("contract"))
    applicant = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("applicant"))
    respondent = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("respondent"))
    subject = models.CharField(_("subject"), max_length=15, choices=Subject.choices)
    claim = models.TextField(_("the dispute and what is asked"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.REQUESTED)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("mediator"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    outcome_text = models.TextField(_("settlement, withdrawal or referral"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    # The settlement the mediator records waits for each party's confirmation online; it
    # is settled when both have confirmed (complaints.services.mediation).
    settlement_recorded_at = models.DateTimeField(_("settlement recorded at"), null=True,
                                                  blank=True)
    applicant_confirmed_at = models.DateTimeField(_("confirmed by the applicant at"),
                                                  null=True, blank=True)
    applicant_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                               on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="+")
    respondent_confirmed_at = models.DateTimeField(_("confirmed by the respondent at"),
                                                   null=True, blank=True)
    respondent_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                                on_delete=models.PROTECT, null=True,
                                                blank=True, related_name="+")

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="complaints_mediation_status_valid",
                condition=Q(status__in=["requested", "accepted", "settled", "withdrawn",
                                        "referred", "declined"])),
            models.CheckConstraint(
                name="complaints_mediation_settled_confirmed",
                condition=~Q(status="settled") | Q(applicant_confirmed_at__isnull=False,
                                                   respondent_confirmed_at__isnull=False)),
            # One mediation of a contract open at a time (a double submit makes one).
            models.UniqueConstraint(fields=["contract"],
                                    condition=Q(status__in=["requested", "accepted"]),
                                    name="complaints_mediation_one_open"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:mediation-detail", args=[self.pk])


class MediationSession(models.Model):
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE,
                                  related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place or link"), max_length=200)
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]

    def __str__(self):
        return f"{self.mediation.number} · {self.held_at:%Y-%m-%d}"


class MediationOpinion(models.Model):
    class Author(models.TextChoices):
        EXPERT = "expert", _("Expert")
        LAWYER = "lawyer", _("Lawyer")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE,
                                  related_name="opinions")
    author_kind = models.CharField(_("given by"), max_length=8, choices=Author.choices)
    author_name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("opinion"))
    file = models.ForeignKey("complaints.Evidence", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = _("mediation opinion")
        verbose_name_plural = _("mediation opinions")
        ordering = ["added_at", "id"]

    def __str__(self):
        return f"{self.mediation.number} · {self.author_name}"
