from django.contrib import admin

from audit.admin import AuditedAdminMixin

from .models import CalendarDay, CalendarYear


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
        from django.db import transaction

        from .services import calendar_year_loaded, clear_cache

        clear_cache()
        year = form.instance.year
        transaction.on_commit(lambda: calendar_year_loaded.send(sender=CalendarYear, year=year))
