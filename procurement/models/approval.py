"""The finance bureau's approval of a procurement method (法 第27条; 条例 第23条) and the
files a purchaser gives for it (its reasons, the experts' opinion of a single source)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .bid import private_storage


class MethodApproval(models.Model):
    """One request to the finance bureau, raised when the purchaser's approver approves a
    project that needs it (``rules.bureau_approval_needed``); decided once."""

    class Kind(models.TextChoices):
        # Another method than open tendering above the open-tender threshold (条例 第23条).
        METHOD = "method", _("Another method above the open-tender threshold")
        # A re-tender with another method after the tender failed (87号令 第43条).
        CHANGE = "change", _("Change of method after a failed tender")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the finance bureau")
        APPROVED = "approved", _("Approved by the finance bureau")
        REFUSED = "refused", _("Refused by the finance bureau")

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="method_approvals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("procurement method"), max_length=15)
    basis = models.CharField(_("basis"), max_length=200)
    reasons = models.TextField(_("the purchaser's reasons"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("the finance bureau's reason"), blank=True)

    class Meta:
        verbose_name = _("method approval")
        verbose_name_plural = _("method approvals")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "approved", "refused"]),
                                   name="procurement_methodapproval_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=["method", "change"]),
                                   name="procurement_methodapproval_kind_valid"),
            # One request waits at a time for a project.
            models.UniqueConstraint(fields=["project"], condition=Q(status="pending"),
                                    name="procurement_methodapproval_one_pending"),
            # A refusal says why.
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(decision_reason=""),
                                   name="procurement_methodapproval_refusal_reasoned"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"],
                                name="proc_methodappr_status_idx")]

    def __str__(self):
        return f"{self.project.code} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("procurement:approval-detail", args=[self.pk])


def _attachment_path(instance, filename):
    return f"method/{instance.project_id}/{uuid.uuid4().hex}.bin"


class MethodAttachment(models.Model):
    """A file the purchaser gives with the method: its reasons for the finance bureau, or
    the experts' opinion of a single source (条例 第38条). Private storage; served only to
    the project's parties and the finance bureau."""

    class Purpose(models.TextChoices):
        REASONS = "reasons", _("Reasons for the method")
        EXPERTS = "experts", _("Experts' opinion")

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="method_attachments")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("detected type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    blob = models.FileField(upload_to=_attachment_path, storage=private_storage,
                            max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("method attachment")
        verbose_name_plural = _("method attachments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=["reasons", "experts"]),
                                   name="procurement_methodattachment_purpose_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procurement:method-attachment", args=[self.project_id, self.pk])
