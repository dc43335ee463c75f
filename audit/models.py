from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    """One append-only entry of the audit trail.

    The request only inserts this row, with no lock; the sealer
    (``audit.services.audit_seal``) links it into the hash chain moments
    later by adding its ``AuditSeal``. Until then ``hash`` and ``prev_hash``
    are None ("sealing pending"). A trigger (migration 0007) queues every new
    row for the sealer in ``AuditPending``. On PostgreSQL triggers (migrations
    0002, 0003) refuse UPDATE, DELETE and TRUNCATE on this table.
    Records are kept at least 15 years (政府采购法 第42条): users and
    organisations referenced here cannot be deleted, only deactivated.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    # The two foreign keys below have no index of their own: audit_event_org_at_idx and
    # audit_event_object_idx start with them, and every write in the platform appends
    # here — each index is maintained on every event.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organization", "-at"], name="audit_event_org_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    # The chain lives in AuditSeal; these read it so that pages, the API and the
    # anchor keep saying ``event.hash``. Load lists with select_related("seal").
    @property
    def chain_seal(self) -> "AuditSeal | None":
        try:
            return self.seal
        except AuditSeal.DoesNotExist:
            return None

    @property
    def hash(self) -> str | None:
        seal = self.chain_seal
        return seal.hash if seal else None

    @property
    def prev_hash(self) -> str | None:
        seal = self.chain_seal
        return seal.prev_hash if seal else None


class AuditSeal(models.Model):
    """An event's link in the hash chain, added after the event committed.

    ``hash`` is SHA-256 over the event's canonical content and ``prev_hash``,
    the hash of the seal before it in ``seq`` order (``audit.services``), so
    altering or removing an event or a seal breaks every later link;
    ``manage.py verify_audit`` finds the first broken one. ``seq`` is the
    chain's order: the order in which the sealer saw the events committed,
    which is not their id order (ids are taken before commit). Append-only
    like the events (migration 0004's triggers; ``db_grant_app_role``), so
    the event table never needs an UPDATE either. ``sealed_at`` is when the
    sealer ran; it is not hashed.

    (Not to be confused with sealed *bids*: ``audit.selectors.audit_events_unsealed``
    is about bidding secrecy.)
    """

    seq = models.BigIntegerField(_("chain position"), primary_key=True)
    event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("audit event"),
        on_delete=models.PROTECT,
        related_name="seal",
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = pgettext_lazy("audit chain", "chain seal")
        verbose_name_plural = pgettext_lazy("audit chain", "chain seals")
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1),
                                   name="audit_auditseal_seq_positive"),
        ]

    def __str__(self):
        return f"#{self.seq} → {self.event_id}"


class AuditPending(models.Model):
    """An event waiting for its seal: the sealer's work queue.

    A database trigger on the event table (migration 0007) inserts one row per
    new event, in the event's own transaction, so nothing can append an event
    without queueing it — raw SQL and bulk inserts included. The sealer
    (``audit.services.audit_seal``) reads the queue in event-id order and deletes
    the rows it sealed in the same transaction, so it never scans the trail:
    its work grows with the backlog, not with fifteen years of events.

    The queue is not the trail: the application's role may delete from it
    (``db_grant_app_role``). A row removed by hand leaves its event unsealed for
    good; ``audit_chain_verify`` still finds it (it looks for unsealed events in
    the trail itself), and ``verify_audit --seal`` queues it again.
    """

    event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("audit event"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="pending",
    )

    class Meta:
        verbose_name = pgettext_lazy("audit chain", "event pending sealing")
        verbose_name_plural = pgettext_lazy("audit chain", "events pending sealing")
        ordering = ["event_id"]

    def __str__(self):
        return f"→ {self.event_id}"
