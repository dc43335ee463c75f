"""What every part of the complaints app shares: where files go, and each record's
public reference number."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Evidence(models.Model):
    """A file filed with a challenge, a complaint or a mediation: evidence, a scanned
    paper original, an expert's or lawyer's opinion, a correction. Checked by content
    like a bid file (``core.uploads.check``) and kept with its SHA-256. Exactly one of the
    three parents is set (``complaints_evidence_one_parent``)."""

    class Role(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        ORIGINAL = "original", _("Scanned paper original")
        CORRECTION = "correction", _("Correction")
        OPINION = "opinion", _("Expert or lawyer opinion")
        ANSWER = "answer", _("Answer attachment")

    challenge = models.ForeignKey("complaints.Challenge", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="evidence")
    objection = models.ForeignKey("complaints.Objection", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="evidence")
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="documents")
    mediation = models.ForeignKey("complaints.Mediation", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="documents")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices,
                            default=Role.EVIDENCE)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    blob = models.FileField(_("file"), upload_to="complaints/%Y/", storage=private_storage,
                            max_length=300)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="complaints_evidence_one_parent",
                condition=(
                    models.Q(challenge__isnull=False, complaint__isnull=True,
                             mediation__isnull=True)
                    | models.Q(challenge__isnull=True, complaint__isnull=False,
                               mediation__isnull=True, objection__isnull=True)
                    | models.Q(challenge__isnull=True, complaint__isnull=True,
                               mediation__isnull=False, objection__isnull=True)
                ),
            ),
            models.CheckConstraint(name="complaints_evidence_role_valid",
                                   condition=models.Q(role__in=[
                                       "evidence", "original", "correction", "opinion",
                                       "answer"])),
        ]

    def __str__(self):
        return self.name
