from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Message(models.Model):
    """One message to one person on one channel: the outbox and the in-app inbox.

    ``idempotency_key`` (event, person, channel) makes every send happen at
    most once, however many workers or retries try. Queued rows with
    ``next_attempt_at`` in the past are picked up by ``notifications.tasks.deliver_due``.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        INAPP = "inapp", _("In-app")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("message status", "Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=50)
    is_statutory = models.BooleanField(_("statutory"), default=False)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["sms", "email", "inapp"]),
                                   name="notifications_message_channel_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="notifications_message_status_valid"),
        ]
        indexes = [
            # Read by notifications.tasks.deliver_due: queued messages whose time has come.
            models.Index(fields=["next_attempt_at"], name="notif_msg_due_idx",
                         condition=Q(status="queued")),
            models.Index(fields=["recipient", "channel", "-created_at"],
                         name="notif_msg_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class Preference(models.Model):
    """A person's choice for a non-statutory category on a channel."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="notification_preferences")
    category = models.CharField(_("category"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=Message.Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category", "channel"],
                                    name="notifications_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user} {self.category} {self.channel}: {self.enabled}"
