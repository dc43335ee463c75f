from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time each kind of background process proved it was alive.

    Written by ``core.tasks.heartbeat`` (run by the beat, executed by a
    worker); read by ``/healthz``.
    """

    name = models.CharField(_("process"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("last seen"))
    hostname = models.CharField(_("host"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class CatalogItem(models.Model):
    """政府采购品目分类目录 (2022): goods A, engineering B, services C.

    Loaded from ``core/data/catalog-2022.csv`` by a data migration;
    administrators correct names in the admin.
    """

    class Type(models.TextChoices):
        GOODS = "goods", _("Goods")
        ENGINEERING = "engineering", _("Engineering")
        SERVICE = "service", _("Services")

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)

    class Meta:
        verbose_name = _("procurement catalogue item")
        verbose_name_plural = _("procurement catalogue")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=["goods", "engineering", "service"]),
                name="core_catalogitem_type_valid",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class StatusChange(models.Model):
    """One step of one status field: old, new, who, when, why (``core.transitions``).

    Append-only: written by ``transition()`` inside the service's transaction,
    never edited. The audit trail records the act; this row is the object's
    status history, read by its page and API.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=30, default="status")
    step = models.CharField(_("step"), max_length=40, blank=True)
    old = models.CharField(_("from"), max_length=20)
    new = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"],
                                name="core_statuschange_subject")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} {self.old} → {self.new}"

    @classmethod
    def _row(cls, obj, *, field, old, new, actor, at, reason="", step=""):
        if actor is not None and not getattr(actor, "is_authenticated", False):
            actor = None
        return cls(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk, field=field, old=old, new=new, actor=actor, at=at,
            reason=reason or "", step=step)

    @classmethod
    def record(cls, obj, **kwargs):
        row = cls._row(obj, **kwargs)
        row.save(force_insert=True)
        return row

    @classmethod
    def record_many(cls, rows: list[dict]) -> int:
        """Many steps in one INSERT: each dict holds ``record``'s arguments and ``obj``."""
        from .bulk import insert_rows

        values = []
        for row in rows:
            row = dict(row)
            obj, actor = row.pop("obj"), row.pop("actor", None)
            if actor is not None and not getattr(actor, "is_authenticated", False):
                actor = None
            values.append({**row, "reason": row.get("reason") or "", "actor": actor,
                           "object_id": obj.pk,
                           "content_type_id": ContentType.objects.get_for_model(
                               obj, for_concrete_model=False).pk})
        return insert_rows(cls, values)

    @classmethod
    def of(cls, obj, field: str | None = None):
        """The status history of ``obj``, oldest first."""
        qs = cls.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk).select_related("actor")
        return qs.filter(field=field) if field else qs

    def _labels(self):
        model = self.content_type.model_class()
        return dict(model._meta.get_field(self.field).flatchoices) if model else {}

    @property
    def old_label(self):
        return self._labels().get(self.old, self.old)

    @property
    def new_label(self):
        return self._labels().get(self.new, self.new)
