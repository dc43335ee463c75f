"""Credit (春风行动 28) and administrative penalties.

A ``CreditRecord`` is written where the event happens (a late payment from the payment
clock, false materials and malicious complaints from complaint decisions, collusion
confirmed by supervision, good performance from acceptance) — through signals received
here, so the apps below never import this one. The score and grade are computed from the
records in force and each change is kept (``CreditGrade``). Serious records put the
organisation on the public bad-behaviour list (``BadBehaviourListing``) for a period; a
repair application (``CreditRepair``) reviewed by the finance bureau lifts it early.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CreditSubject(models.Model):
    """Whose credit: an organisation (supplier, agency, purchaser) or an expert (a
    person). Exactly one is set."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("organisation"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+",
                               verbose_name=_("expert"))

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.organization or self.expert

    @classmethod
    def one_subject(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            name=name,
            condition=(Q(organization__isnull=False, expert__isnull=True)
                       | Q(organization__isnull=True, expert__isnull=False)))


class CreditRecord(CreditSubject):
    class Event(models.TextChoices):
        FALSE_MATERIALS = "false_materials", _("False materials")
        MALICIOUS_COMPLAINT = "malicious_complaint", _("Malicious complaint")
        COLLUSION = "collusion", _("Collusion confirmed")
        LATE_PAYMENT = "late_payment", _("Late payment to a supplier")
        PENALTY = "penalty", _("Administrative penalty")
        GOOD_PERFORMANCE = "good_performance", _("Contract performed and accepted")
        BREACH = "breach", _("Failed acceptance")

    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    points = models.SmallIntegerField(_("points"))
    basis = models.CharField(_("basis"), max_length=200)
    detail = models.TextField(_("details"))
    # Where it happened: the complaint, the invoice's clock, the contract, the alert.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40)
    source_repr = models.CharField(max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("counts until"))
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_creditrecord_one_subject"),
            # One record per event, source and subject: a receiver run twice writes once.
            models.UniqueConstraint(
                fields=["event", "source_type", "source_id", "organization"],
                condition=Q(organization__isnull=False),
                name="complaints_creditrecord_once_org"),
            models.UniqueConstraint(
                fields=["event", "source_type", "source_id", "expert"],
                condition=Q(expert__isnull=False), name="complaints_creditrecord_once_expert"),
        ]

    def __str__(self):
        return f"{self.subject} · {self.get_event_display()} ({self.points:+d})"


class CreditGrade(CreditSubject):
    """Each change of a subject's score and grade; the latest is the current one."""

    score = models.SmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1)
    at = models.DateTimeField(_("since"))
    reason = models.CharField(_("because"), max_length=300)

    class Meta:
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        ordering = ["-at", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_creditgrade_one_subject"),
            models.CheckConstraint(name="complaints_creditgrade_grade_valid",
                                   condition=Q(grade__in=["A", "B", "C", "D"])),
        ]

    def __str__(self):
        return f"{self.subject} {self.grade} ({self.score})"


class BadBehaviourListing(CreditSubject):
    """政府采购严重违法失信行为记录名单: public for its period."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="listings")
    penalty = models.ForeignKey("complaints.Penalty", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="listings")
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("basis"), max_length=200)
    listed_from = models.DateTimeField(_("listed from"))
    listed_until = models.DateTimeField(_("listed until"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_reason = models.TextField(_("lifted because"), blank=True)

    class Meta:
        verbose_name = _("bad-behaviour listing")
        verbose_name_plural = _("bad-behaviour list")
        ordering = ["-listed_from", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_listing_one_subject"),
            models.CheckConstraint(name="complaints_listing_period",
                                   condition=Q(listed_until__gt=models.F("listed_from"))),
        ]

    def __str__(self):
        return f"{self.subject} · {self.listed_from:%Y-%m-%d}–{self.listed_until:%Y-%m-%d}"


class CreditRepair(CreditSubject):
    """信用修复: the subject shows it has corrected the behaviour; the finance bureau
    reviews, and an approved repair lifts the listing and stops the record counting."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="repairs")
    statement = models.TextField(_("what was corrected"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review"), blank=True)

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-applied_at", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_repair_one_subject"),
            models.CheckConstraint(name="complaints_repair_status_valid",
                                   condition=Q(status__in=["submitted", "approved", "refused"])),
            models.UniqueConstraint(fields=["record"], condition=Q(status="submitted"),
                                    name="complaints_repair_one_pending"),
        ]

    def __str__(self):
        return f"{self.record} · {self.get_status_display()}"


class Penalty(CreditSubject):
    """An administrative penalty (法 第77条 and others), public with its basis and
    period; a debarment (禁止参加政府采购活动) refuses the supplier's bids while in
    force."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        FINE = "fine", _("Fine")
        DEBARMENT = "debarment", _("Debarment from government procurement")
        CONFISCATION = "confiscation", _("Confiscation of illegal gains")

    kind = models.CharField(_("penalty"), max_length=12, choices=Kind.choices)
    decision_number = models.CharField(_("decision number"), max_length=60, unique=True)
    facts = models.TextField(_("facts"))
    basis = models.CharField(_("basis"), max_length=200)
    amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    effective_from = models.DateTimeField(_("in force from"))
    effective_until = models.DateTimeField(_("in force until"), null=True, blank=True)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="penalties")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")
        ordering = ["-decided_at", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_penalty_one_subject"),
            models.CheckConstraint(
                name="complaints_penalty_debarment_period",
                condition=~Q(kind="debarment") | Q(effective_until__isnull=False)),
            models.CheckConstraint(
                name="complaints_penalty_fine_amount",
                condition=~Q(kind="fine") | Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.decision_number} · {self.subject}"


class SpotCheck(CreditSubject):
    """差异化监管: organisations drawn for a check, more often the lower their grade."""

    class Status(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        DONE = "done", _("Checked")

    period = models.CharField(_("period"), max_length=7)  # e.g. 2026-Q4
    grade = models.CharField(_("grade when drawn"), max_length=1)
    seed = models.CharField(_("draw seed"), max_length=64)
    drawn_at = models.DateTimeField(_("drawn at"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices,
                              default=Status.DRAWN)
    findings = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            CreditSubject.one_subject("complaints_spotcheck_one_subject"),
            models.UniqueConstraint(fields=["period", "organization"],
                                    condition=Q(organization__isnull=False),
                                    name="complaints_spotcheck_once_org"),
        ]

    def __str__(self):
        return f"{self.period} · {self.subject}"


class SpotCheckDraw(models.Model):
    """One period's draw, kept whole — even when it drew nobody — so that it is done once
    per period and anyone can repeat it: ``random.Random(seed)`` over ``population``
    (sorted ``[organisation id, grade]`` pairs) with ``rates`` (per cent by grade)."""

    period = models.CharField(_("period"), max_length=7, unique=True)
    seed = models.CharField(_("draw seed"), max_length=64)
    rates = models.JSONField(_("share drawn by grade"))
    population = models.JSONField(_("organisations and their grades"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = _("spot check draw")
        verbose_name_plural = _("spot check draws")
        ordering = ["-period"]

    def __str__(self):
        return self.period
