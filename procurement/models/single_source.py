"""单一来源: the named supplier and the reasons (法 第31条), the publicity and its
objections (条例 第38条), and the negotiation record signed by the panel (74号令 第42条)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bid import private_storage


class SingleSource(models.Model):
    """What a single-source project says of itself: written with the project."""

    class Case(models.TextChoices):
        # 法 第31条 (一)(二)(三)
        ONLY = "only", _("Only one supplier can supply it")
        EMERGENCY = "emergency", _("Unforeseeable emergency: no other supplier can")
        ADDITION = "addition", _("Additions to keep consistency with the original procurement "
                                 "(at most 10 per cent of the original contract)")

    project = models.OneToOneField("procurement.Project", on_delete=models.CASCADE,
                                   related_name="single_source")
    supplier = models.ForeignKey("accounts.Organization", verbose_name=_("single supplier"),
                                 on_delete=models.PROTECT, related_name="+")
    case = models.CharField(_("case (法 第31条)"), max_length=10, choices=Case.choices)
    experts = models.CharField(_("experts (names)"), max_length=300)
    experts_opinion = models.TextField(_("experts' opinion"))
    # The publicity (条例 第38条): from publication to the end of its fifth working day.
    publicity_from = models.DateTimeField(_("publicity from"), null=True, blank=True)
    publicity_until = models.DateTimeField(_("publicity until"), null=True, blank=True)

    class Meta:
        verbose_name = _("single source")
        verbose_name_plural = _("single sources")
        constraints = [
            models.CheckConstraint(condition=Q(case__in=["only", "emergency", "addition"]),
                                   name="procurement_singlesource_case_valid"),
        ]

    def __str__(self):
        return f"{self.project.code} → {self.supplier}"


def _objection_path(instance, filename):
    import uuid

    return f"objections/{instance.project_id}/{uuid.uuid4().hex}.bin"


class Objection(models.Model):
    """An objection (异议) to a single-source publicity, decided in writing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        UPHELD = "upheld", _("Upheld: the single source stops")
        DISMISSED = "dismissed", _("Dismissed")

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="objections")
    supplier = models.ForeignKey("accounts.Organization", verbose_name=_("objector"),
                                 on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    reasons = models.TextField(_("reasons"))
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment = models.FileField(upload_to=_objection_path, storage=private_storage,
                                  max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("written decision"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "upheld", "dismissed"]),
                                   name="procurement_objection_status_valid"),
        ]

    def __str__(self):
        return f"{self.project.code} · {self.supplier}"


class SingleSourceNegotiation(models.Model):
    """The record of the panel's negotiation with the single supplier (74号令 第42条):
    the points negotiated and the agreed price; final once every member has signed."""

    lot = models.OneToOneField("procurement.Lot", on_delete=models.PROTECT,
                               related_name="single_source_negotiation")
    bid = models.OneToOneField("procurement.Bid", on_delete=models.PROTECT,
                               related_name="single_source_negotiation")
    points = models.TextField(_("points negotiated"))
    agreed_price = models.DecimalField(_("agreed price (yuan)"), max_digits=16,
                                       decimal_places=2)
    # The price the supplier sealed, kept: the agreed price replaces it as the bid's
    # price once the record is signed (the award amount, ``award_confirm``).
    sealed_price = models.DecimalField(_("sealed price (yuan)"), max_digits=16,
                                       decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    concluded_at = models.DateTimeField(_("signed by all at"), null=True, blank=True)

    class Meta:
        verbose_name = _("negotiation record")
        verbose_name_plural = _("negotiation records")
        constraints = [
            models.CheckConstraint(condition=Q(agreed_price__gt=0),
                                   name="procurement_ssnegotiation_price_positive"),
        ]

    def __str__(self):
        return f"{self.lot} · {self.agreed_price}"


class SingleSourceSignature(models.Model):
    """One member's signature on the record, with its time (and dissent, if any)."""

    negotiation = models.ForeignKey(SingleSourceNegotiation, on_delete=models.CASCADE,
                                    related_name="signatures")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    dissent = models.TextField(_("dissenting opinion"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "expert"],
                                    name="procurement_sssignature_once"),
        ]

    def __str__(self):
        return f"{self.expert} · {self.signed_at:%Y-%m-%d %H:%M}"
