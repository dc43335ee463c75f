from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.http import client_ip

from .models import AuditEvent
from .services import audit_record


class AuditedAdminMixin:
    """Admin edits by finance-bureau administrators leave an audit event too."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action=f"admin.{'change' if change else 'add'}",
            actor=request.user, organization=getattr(request, "organization", None),
            obj=obj, detail={"fields": sorted(form.changed_data)}, ip=client_ip(request),
        )

    def delete_model(self, request, obj):
        repr_, pk = str(obj), obj.pk
        super().delete_model(request, obj)
        audit_record(
            action="admin.delete", actor=request.user,
            organization=getattr(request, "organization", None),
            detail={"model": obj._meta.label, "pk": pk, "repr": repr_}, ip=client_ip(request),
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, even for superusers."""

    list_display = ("id", "at", "action", "actor_name", "organization", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("action", "actor_name", "object_repr", "hash")
    date_hierarchy = "at"
    list_select_related = ("organization",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisation"))
    def org(self, obj):
        return obj.organization
