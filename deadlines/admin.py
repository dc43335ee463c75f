from django.contrib import admin

from .models import Deadline, Reminder


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    readonly_fields = ("kind", "at", "skipped")
    can_delete = False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through their services (open, meet, waive …)."""

    list_display = ("subject_repr", "clock", "organization", "due_at", "status", "provisional",
                    "met_at")
    list_filter = ("status", "clock", "provisional")
    search_fields = ("subject_repr", "organization__name")
    date_hierarchy = "due_at"
    list_select_related = ("organization",)
    inlines = [ReminderInline]
    readonly_fields = [f.name for f in Deadline._meta.fields] + ["responsible_users"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
