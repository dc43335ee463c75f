from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """A supplier the procedure invited: only these may obtain the documents and respond
    when the method is restricted (``procurement.methods``) — drawn at random from the
    qualified for invitational tendering (法 第34条; 87号令 第14条), or the one supplier
    named for single source (法 第31条)."""

    class Source(models.TextChoices):
        DRAWN = "drawn", _("Drawn at random from the qualified")
        NAMED = "named", _("Named as the single source")

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="invitations")
    supplier = models.ForeignKey("accounts.Organization", verbose_name=_("supplier"),
                                 on_delete=models.PROTECT, related_name="invitations")
    source = models.CharField(_("how invited"), max_length=10, choices=Source.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    invited_at = models.DateTimeField(_("invited at"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["project", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "supplier"],
                                    name="procurement_invitation_once"),
            models.CheckConstraint(condition=models.Q(source__in=["drawn", "named"]),
                                   name="procurement_invitation_source_valid"),
        ]

    def __str__(self):
        return f"{self.project.code} → {self.supplier}"
