from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .bid import private_storage


class Committee(models.Model):
    """The evaluation committee of one lot, drawn at random (87号令 第47条)."""

    lot = models.OneToOneField("procurement.Lot", on_delete=models.PROTECT,
                               related_name="committee")
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    pool_size = models.PositiveIntegerField(_("eligible experts in the pool"))
    excluded = models.JSONField(_("excluded for conflicts"), default=list)
    report_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    # What the report records besides the ranking: the invalid bids with their reasons,
    # each member's dissent from a joint finding with its reasons (87号令 第61条), and
    # the ties with how they were settled (the draw's seed). Written once, by
    # ``evaluation_complete``.
    report = models.JSONField(_("report findings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evaluation committee")
        verbose_name_plural = _("evaluation committees")

    def __str__(self):
        return f"{self.lot}"


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="committee_seats")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices,
                            default=Role.MEMBER)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["-role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "expert"],
                                    name="procurement_member_once"),
            models.UniqueConstraint(fields=["committee"], condition=Q(role="chair"),
                                    name="procurement_member_one_chair"),
        ]

    def __str__(self):
        return f"{self.expert} ({self.get_role_display()})"


class Review(models.Model):
    """One reviewer's verdict on one bid at one stage, with the reason a bidder is told
    when it fails (87号令 第44、69条).

    Qualification is the purchaser's or agency's (87号令 第44条): one verdict per bid,
    whoever of its officers records it. Compliance is the committee's: each member gives
    a verdict of their own, and the conclusion is the majority once all have given
    theirs (87号令 第61条; ``services.verdicts``)."""

    class Stage(models.TextChoices):
        QUALIFICATION = "qualification", _("Qualification review")
        COMPLIANCE = "compliance", _("Compliance review")

    bid = models.ForeignKey("procurement.Bid", on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    passed = models.BooleanField(_("passed"))
    reason = models.TextField(_("reason"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["bid", "stage", "reviewer"],
                                    name="procurement_review_once_per_reviewer"),
            models.UniqueConstraint(fields=["bid", "stage"],
                                    condition=Q(stage="qualification"),
                                    name="procurement_review_one_qualification"),
            models.CheckConstraint(condition=Q(stage__in=["qualification", "compliance"]),
                                   name="procurement_review_stage_valid"),
            models.CheckConstraint(condition=Q(passed=True) | ~Q(reason=""),
                                   name="procurement_review_failure_has_reason"),
        ]

    def __str__(self):
        return f"{self.bid} {self.stage}: {self.passed}"


class Score(models.Model):
    """One expert's points for one bid on one non-price factor."""

    bid = models.ForeignKey("procurement.Bid", on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    criterion = models.ForeignKey("procurement.EvaluationCriterion", on_delete=models.PROTECT,
                                  related_name="scores")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["bid", "expert", "criterion"],
                                    name="procurement_score_once"),
            models.CheckConstraint(condition=Q(points__gte=0),
                                   name="procurement_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.bid} {self.criterion}: {self.points}"


class EvaluationResult(models.Model):
    """The committee's result for one bid: evaluated price, scores, rank."""

    bid = models.OneToOneField("procurement.Bid", on_delete=models.CASCADE,
                               related_name="result")
    evaluated_price = models.DecimalField(_("evaluated price"), max_digits=16, decimal_places=2)
    deduction = models.DecimalField(_("price deduction (%)"), max_digits=5, decimal_places=2)
    price_score = models.DecimalField(_("price score"), max_digits=6, decimal_places=2)
    other_score = models.DecimalField(_("other scores"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    candidate = models.BooleanField(_("keeps the candidacy"), default=True)
    abnormally_low = models.BooleanField(_("abnormally low price"), default=False)
    tied = models.BooleanField(_("tied (并列)"), default=False)
    notes = models.JSONField(_("notes"), default=list)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["rank"]

    def __str__(self):
        return f"{self.bid}: {self.total} #{self.rank}"


class Award(models.Model):
    """The purchaser's confirmation of the winner of one lot, and the award notice.

    A lot has at most one live award (``procurement_award_one_live_per_lot``). An award
    revoked before both parties signed — a challenge upheld that affects the result,
    94号令 第16条 (verify) — keeps its row with when, who, why and on what basis
    (``services.award.award_revoke``); the lot may then be awarded to the next qualified
    candidate, or fail and be procured again. ``Lot.award`` is the live one."""

    lot = models.ForeignKey("procurement.Lot", on_delete=models.PROTECT, related_name="awards")
    bid = models.OneToOneField("procurement.Bid", on_delete=models.PROTECT,
                               related_name="award")
    amount = models.DecimalField(_("award amount (yuan)"), max_digits=16, decimal_places=2)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    notice_pdf = models.FileField(_("award notice"), upload_to="awards/",
                                  storage=private_storage)
    notice_sha256 = models.CharField(_("award notice SHA-256"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_basis = models.CharField(_("basis for revoking"), max_length=200, blank=True)
    # Other bids of the lot the revocation found not qualified (an upheld challenge):
    # they do not return among the candidates.
    revoked_excluded = models.JSONField(_("bids excluded with the revocation"), default=list,
                                        blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="procurement_award_amount_positive"),
            models.UniqueConstraint(fields=["lot"], condition=Q(revoked_at__isnull=True),
                                    name="procurement_award_one_live_per_lot"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | (~Q(revoked_reason="") & ~Q(revoked_basis="")),
                name="procurement_award_revocation_has_reason"),
        ]

    def __str__(self):
        return f"{self.lot} → {self.bid.supplier}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class BidQuery(models.Model):
    """The committee asks one bidder, which answers in writing (87号令 第51条).

    - a price correction (第59条): the platform applies the correction rules at
      opening; the bidder confirms the corrected price or its bid is invalid;
    - an abnormally low price (第60条): the committee asks for a written
      explanation, then accepts it or treats the bid as invalid.
    """

    class Kind(models.TextChoices):
        PRICE_CORRECTION = "price_correction", _("Price correction")
        ABNORMALLY_LOW = "abnormally_low", _("Explanation of an abnormally low price")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the bidder")
        ANSWERED = "answered", _("Answered, awaiting the committee")
        ACCEPTED = "accepted", pgettext_lazy("bid query status", "Accepted")
        REJECTED = "rejected", _("Not accepted: bid invalid")

    bid = models.ForeignKey("procurement.Bid", on_delete=models.CASCADE, related_name="queries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    question = models.TextField(_("question"))
    stated_price = models.DecimalField(_("price as sealed"), max_digits=16, decimal_places=2)
    corrected_price = models.DecimalField(_("corrected price"), max_digits=16,
                                          decimal_places=2, null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("question to a bidder")
        verbose_name_plural = _("questions to bidders")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "kind"], name="procurement_query_once"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "accepted", "rejected"]),
                name="procurement_query_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind="price_correction") | Q(corrected_price__isnull=False),
                name="procurement_query_correction_has_price"),
        ]

    def __str__(self):
        return f"{self.bid}: {self.get_kind_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ANSWERED)
