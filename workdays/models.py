from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The ``source`` of a year snapshotted from the package (``load_calendar --from-package``)
# and the words people see for it, on the calendar page, instead of the package's name.
PACKAGE_SOURCE = "chinese-calendar"
PACKAGE_LABEL = _("State Council holiday schedule (built in)")


class CalendarYear(models.Model):
    """A year of official holidays and adjusted working days, as the State Council
    published it. When a year is here it replaces the ``chinese-calendar``
    package's data for that year entirely."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True,
        help_text=_("The State Council notice, e.g. 国办发明电〔2026〕7号."),
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def source_label(self) -> str:
        return PACKAGE_LABEL if self.source == PACKAGE_SOURCE else self.source


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (day off)")
        WORKDAY = "workday", _("Adjusted working day")

    year = models.ForeignKey(CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE,
                             related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["holiday", "workday"]),
                                   name="workdays_calendarday_kind_valid"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"
