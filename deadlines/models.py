from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rules.registry import UnknownRule, rule


class Deadline(models.Model):
    """One statutory clock running on one subject (an award, a contract, a complaint …).

    ``due_at`` is computed once, at opening, from the rule in force
    (rules.registry) and the working-day calendar; it moves only when the
    clock is paused and resumed, or when a provisional date is recomputed
    after the year's calendar is loaded.

    ``next_action_at`` is when the sweep (deadlines.tasks.sweep) must next
    look at the row: the next reminder, or the due time. It is NULL once
    nothing is left to do, so the sweep's partial index holds only live rows.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        OVERDUE = "overdue", _("Overdue")
        WAIVED = "waived", _("Waived")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_repr = models.CharField(_("subject"), max_length=300)
    clock = models.CharField(_("clock"), max_length=60, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT, related_name="deadlines")
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible people"), blank=True,
        related_name="deadlines")
    # The rule as it stood when the clock started: later changes of profile
    # or overrides do not move a running clock.
    amount = models.PositiveIntegerField(_("amount"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10)
    basis = models.CharField(_("legal basis"), max_length=200)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("Computed Monday–Friday because the year's calendar was not loaded."))
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("pause reason"), max_length=300, blank=True)
    next_action_at = models.DateTimeField(_("next action at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("waived by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    waive_reason = models.TextField(_("waive reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statutory deadline")
        verbose_name_plural = _("statutory deadlines")
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "met", "overdue", "waived"]),
                                   name="deadlines_deadline_status_valid"),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("started_at")),
                                   name="deadlines_deadline_due_after_start"),
            models.CheckConstraint(
                condition=Q(status="met", met_at__isnull=False) | ~Q(status="met"),
                name="deadlines_deadline_met_has_time"),
            # One running clock of a kind per subject.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "clock"],
                condition=Q(status__in=["open", "overdue"]),
                name="deadlines_deadline_one_running_clock"),
        ]
        indexes = [
            # Read by deadlines.tasks.sweep every minute.
            models.Index(fields=["next_action_at"], name="deadline_next_action_idx",
                         condition=Q(next_action_at__isnull=False)),
            # Open clocks by due time: dashboards and "my deadlines".
            models.Index(fields=["due_at"], name="deadline_open_due_idx",
                         condition=Q(status="open")),
            models.Index(fields=["organization", "status", "due_at"],
                         name="deadline_org_status_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
        ]

    def __str__(self):
        try:
            label = rule(self.clock).description
        except UnknownRule:
            label = self.clock
        return f"{self.subject_repr} · {label}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.OVERDUE)

    @property
    def met_on_time(self) -> bool | None:
        if self.status != self.Status.MET:
            return None
        return self.met_at <= self.due_at


class Reminder(models.Model):
    """A reminder that went out (or was skipped as stale): at most one per kind per deadline."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20)
    at = models.DateTimeField(_("sent at"))
    skipped = models.BooleanField(_("skipped"), default=False)
    # Awaiting the supervisors' digest (deadlines.fanout): set when the reminder is
    # recorded, cleared in the very transaction that queues the digest listing it — so
    # each overdue clock is in exactly one digest, whichever worker sends it.
    digest_pending = models.BooleanField(_("awaiting digest"), default=False)
    digested_at = models.DateTimeField(_("digested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind"],
                                    name="deadlines_reminder_once_per_kind"),
        ]
        indexes = [
            # Read by deadlines.services.deadlines_digest after every sweep.
            models.Index(fields=["id"], name="deadline_reminder_digest_idx",
                         condition=Q(digest_pending=True)),
        ]

    def __str__(self):
        return f"{self.deadline_id} {self.kind}"
