"""Competitive negotiation and consultation in rounds (74号令 第31–35条; 财库〔2014〕214号
第20–24条): the team negotiates with each supplier separately, may change the documents
in writing for all, then calls for final quotations, sealed like bids.

Where the final price lives: ``FinalQuote.price`` once opened; opening the final quotes
also writes it to ``Bid.price`` — the price the evaluation ranks and the award takes —
while ``Bid.opened_payload["price"]`` keeps the first response's sealed price (the
opening table shows it) and ``opened_payload["final_price"]`` the final one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Negotiation(models.Model):
    """The rounds of one lot: who is still in, which round, the call for final quotes."""

    class Status(models.TextChoices):
        ROUNDS = "rounds", _("Negotiating in rounds")
        FINAL_QUOTES = "final_quotes", _("Awaiting final quotations")
        CLOSED = "closed", _("Final quotations opened")
        FAILED = "failed", _("Terminated")

    lot = models.OneToOneField("procurement.Lot", on_delete=models.PROTECT,
                               related_name="negotiation")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.ROUNDS)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # The final-quotation deadline (server clock): quotes stay sealed until then, or
    # until every supplier still in has submitted. Read by ``final_quotes_open``.
    final_deadline = models.DateTimeField(_("final quotations due"), null=True, blank=True)
    final_called_at = models.DateTimeField(_("final quotations called at"), null=True,
                                           blank=True)
    closed_at = models.DateTimeField(_("final quotations opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["rounds", "final_quotes", "closed", "failed"]),
                name="procurement_negotiation_status_valid"),
            models.CheckConstraint(
                condition=Q(status="rounds") | Q(status="failed")
                | Q(final_deadline__isnull=False),
                name="procurement_negotiation_final_has_deadline"),
        ]

    def __str__(self):
        return f"{self.lot} · {self.get_status_display()}"


class NegotiationSession(models.Model):
    """The team's notes of one round with one supplier, met separately (74号令 第31条).
    Shown to the team and to that supplier only."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE,
                                    related_name="sessions")
    round = models.PositiveSmallIntegerField(_("round"))
    bid = models.ForeignKey("procurement.Bid", on_delete=models.PROTECT,
                            related_name="negotiation_sessions")
    notes = models.TextField(_("negotiation notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("negotiation session")
        verbose_name_plural = _("negotiation sessions")
        ordering = ["round", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["negotiation", "round", "bid"],
                                               name="procurement_session_once_per_round")]

    def __str__(self):
        return f"{self.bid} · {self.round}"


class DocumentChange(models.Model):
    """A written change to the technical or service requirements or the contract terms,
    sent to every supplier still in the negotiation (74号令 第32条; 214号 第22条)."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE,
                                    related_name="changes")
    round = models.PositiveSmallIntegerField(_("round"))
    text = models.TextField(_("change to the documents"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    at = models.DateTimeField(_("issued at"))
    # The suppliers it was sent to: those still in the negotiation at that moment.
    recipients = models.ManyToManyField("accounts.Organization", related_name="+",
                                        verbose_name=_("sent to"))

    class Meta:
        verbose_name = _("change to the documents")
        verbose_name_plural = _("changes to the documents")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.negotiation.lot} · {self.at:%Y-%m-%d}"


class FinalQuote(models.Model):
    """A supplier's final quotation (最后报价), sealed with the lot's key like a bid:
    ``price`` stays NULL until ``final_quotes_open`` runs."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE,
                                    related_name="final_quotes")
    bid = models.OneToOneField("procurement.Bid", on_delete=models.PROTECT,
                               related_name="final_quote")
    sealed_payload = models.BinaryField(editable=False)
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64)
    submitted_at = models.DateTimeField(_("received at (server clock)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    price = models.DecimalField(_("final quotation (yuan)"), max_digits=16, decimal_places=2,
                                null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("final quotation")
        verbose_name_plural = _("final quotations")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(opened_at__isnull=False),
                                   name="procurement_finalquote_price_only_after_opening"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0),
                                   name="procurement_finalquote_price_positive"),
        ]

    def __str__(self):
        return f"{self.bid}"

    @property
    def aad(self) -> bytes:
        """Binds the ciphertext to this negotiation and bid."""
        return f"final:{self.negotiation_id}:{self.bid.token}".encode()
