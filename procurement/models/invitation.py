"""Invitational tendering (邀请招标) before the invitation: the qualification notice
(资格预审公告), the suppliers' applications, their review, and the random draw of the
suppliers to invite (法 第34条; 87号令 第14条). The invitations themselves are
``method.Invitation`` rows (source DRAWN)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bid import private_storage

# What the applicant declares with its qualification documents (法 第22条), in Chinese:
# the text of the record.
DECLARATION = ("本单位承诺：所提交的资格证明材料真实、有效，本单位符合《中华人民共和国政府采购法》"
               "第二十二条规定的条件，参加政府采购活动前三年内在经营活动中没有重大违法记录。")


class Prequalification(models.Model):
    """The qualification notice of an invitational tender (87号令 第14条 第一项): until
    when suppliers may apply and how many will be drawn from those found qualified."""

    project = models.OneToOneField("procurement.Project", on_delete=models.CASCADE,
                                   related_name="prequalification")
    announcement = models.OneToOneField("procurement.Announcement", on_delete=models.PROTECT,
                                        related_name="prequalification")
    # The server clock decides "late" (applications are refused from this moment).
    apply_until = models.DateTimeField(_("applications until"))
    draw_count = models.PositiveSmallIntegerField(_("suppliers to be drawn"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("qualification notice")
        verbose_name_plural = _("qualification notices")

    def __str__(self):
        return f"{self.project.code} 资格预审"


class QualificationApplication(models.Model):
    """A supplier's application to be found qualified, once per project and supplier."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        QUALIFIED = "qualified", _("Qualified")
        NOT_QUALIFIED = "not_qualified", _("Not qualified")

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="qualification_applications")
    supplier = models.ForeignKey("accounts.Organization", verbose_name=_("supplier"),
                                 on_delete=models.PROTECT,
                                 related_name="qualification_applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                             on_delete=models.PROTECT, related_name="+")
    declaration = models.BooleanField(_("declaration made"))
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.SUBMITTED)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification application")
        verbose_name_plural = _("qualification applications")
        ordering = ["project", "submitted_at", "id"]
        constraints = [
            # Once per supplier: a double submit finds this, never a second row.
            models.UniqueConstraint(fields=["project", "supplier"],
                                    name="procurement_qualificationapplication_once"),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "qualified", "not_qualified"]),
                name="procurement_qualificationapplication_status_valid"),
            models.CheckConstraint(condition=Q(declaration=True),
                                   name="procurement_qualificationapplication_declared"),
            # The applicant is told why it was not found qualified.
            models.CheckConstraint(condition=~Q(status="not_qualified") | ~Q(reason=""),
                                   name="procurement_qualificationapplication_reason"),
        ]

    def __str__(self):
        return f"{self.supplier} · {self.project.code}"


def _qualification_file_path(instance, filename):
    return f"qualification/{instance.application.project_id}/{uuid.uuid4().hex}.bin"


class QualificationFile(models.Model):
    """One qualification document of an application, in private storage (checked by
    content on arrival: ``core.uploads``)."""

    application = models.ForeignKey(QualificationApplication, on_delete=models.CASCADE,
                                    related_name="files")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("detected type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    blob = models.FileField(upload_to=_qualification_file_path, storage=private_storage,
                            max_length=300)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["id"]

    def __str__(self):
        return self.name


class InvitationDraw(models.Model):
    """The random draw of the suppliers to invite, kept so anyone supervising can run it
    again: ``random.Random(seed).sample(pool, count)`` gives ``drawn``."""

    project = models.OneToOneField("procurement.Project", on_delete=models.CASCADE,
                                   related_name="invitation_draw")
    seed = models.PositiveBigIntegerField(_("seed"))
    pool = models.JSONField(_("qualified suppliers (ids, ascending)"))
    drawn = models.JSONField(_("suppliers drawn (ids, in drawing order)"))
    count = models.PositiveSmallIntegerField(_("number drawn"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"),
                                 on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        verbose_name = _("draw of the suppliers invited")
        verbose_name_plural = _("draws of the suppliers invited")
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0),
                                   name="procurement_invitationdraw_count_positive"),
        ]

    def __str__(self):
        return f"{self.project.code} 随机抽取"
