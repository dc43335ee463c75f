from django.contrib import admin

from audit.admin import AuditedAdminMixin
from core.events import send_on_commit

from .models import CalendarDay, CalendarYear
from .services import clear_cache
from .signals import calendar_year_loaded


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "loaded_at", "loaded_by")
    inlines = [CalendarDayInline]
    readonly_fields = ("loaded_at", "loaded_by")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Edited by hand: drop cached years and recompute provisional clocks.
        clear_cache()
        send_on_commit(calendar_year_loaded, sender=CalendarYear, year=form.instance.year)
