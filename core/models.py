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
