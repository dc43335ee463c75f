import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentDownload(models.Model):
    """A supplier obtained the procurement documents: free, and recorded (春风行动 19).

    Clarifications are sent to everyone here (87号令 第27条).
    """

    project = models.ForeignKey("procurement.Project", on_delete=models.CASCADE,
                                related_name="downloads")
    supplier = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="document_downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("obtained at"))

    class Meta:
        verbose_name = _("documents obtained")
        verbose_name_plural = _("documents obtained")
        constraints = [models.UniqueConstraint(fields=["project", "supplier"],
                                               name="procurement_download_once")]

    def __str__(self):
        return f"{self.supplier} · {self.project}"


class Bid(models.Model):
    """A supplier's sealed bid for one lot.

    Until the opening service runs, only ciphertext is stored: ``sealed_payload``
    holds the price and declarations (AES-GCM, the lot's data key, see
    procurement.sealing) and every file is stored encrypted. ``price`` stays
    NULL until opening. The receipt is the server time and the SHA-256 of the
    sealed plaintext bundle.
    """

    class Status(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        OPENED = "opened", _("Opened")
        QUALIFIED = "qualified", _("Passed review")
        REJECTED = "rejected", _("Rejected in review")
        SCORED = "scored", _("Scored")
        WON = "won", _("Won")
        LOST = "lost", _("Not won")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: proc_bid_lot_status_idx (lot, status) starts with it.
    lot = models.ForeignKey("procurement.Lot", on_delete=models.PROTECT, related_name="bids",
                            db_index=False)
    supplier = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                 related_name="bids")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SEALED)
    sealed_payload = models.BinaryField(editable=False)
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64)
    sealed_at = models.DateTimeField(_("received at (server clock)"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    # For the risk engine: the same IP or device behind several bidders is a
    # collusion signal (87号令 第37条).
    ip = models.GenericIPAddressField(_("submitting IP"), null=True, blank=True)
    device_id = models.CharField(_("device identifier"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # Written by the opening service only.
    price = models.DecimalField(_("price (yuan)"), max_digits=16, decimal_places=2, null=True,
                                blank=True)
    opened_payload = models.JSONField(_("opened declarations"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["lot", "sealed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["sealed", "withdrawn", "opened", "qualified",
                                        "rejected", "scored", "won", "lost"]),
                name="procurement_bid_status_valid"),
            # One live bid per supplier, lot and round: resubmitting withdraws the old one.
            models.UniqueConstraint(fields=["lot", "supplier", "round"],
                                    condition=Q(status="sealed"),
                                    name="procurement_bid_one_sealed"),
            models.UniqueConstraint(fields=["supplier", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="procurement_bid_idempotency"),
            # No plaintext price before opening.
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(opened_at__isnull=False),
                name="procurement_bid_price_only_after_opening"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0),
                                   name="procurement_bid_price_positive"),
        ]
        indexes = [models.Index(fields=["lot", "status"], name="proc_bid_lot_status_idx")]

    def __str__(self):
        return f"{self.supplier} · {self.lot}"

    @property
    def aad(self) -> bytes:
        """Associated data binding the ciphertext to this bid, lot and supplier."""
        return f"bid:{self.token}:{self.lot_id}:{self.supplier_id}:{self.round}".encode()


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _bid_file_path(instance, filename):
    return f"sealed/{instance.bid.lot_id}/{instance.bid.token}/{uuid.uuid4().hex}.bin"


class BidFile(models.Model):
    """One uploaded file of a bid, stored encrypted in private storage."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("detected type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    blob = models.FileField(upload_to=_bid_file_path, storage=private_storage, max_length=300)

    class Meta:
        verbose_name = _("bid file")
        verbose_name_plural = _("bid files")
        ordering = ["id"]

    def __str__(self):
        return self.name
