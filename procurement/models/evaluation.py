from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """The evaluation committee of one lot, drawn at random (87号令 第47条)."""

    lot = models.OneToOneField("procurement.Lot", on_delete=models.PROTECT,
                               related_name="committee")
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    pool_size = models.PositiveIntegerField(_("eligible experts in the pool"))
    excluded = models.JSONField(_("excluded for conflicts"), default=list)

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
