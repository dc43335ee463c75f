from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.http import client_ip

from .models import AuditEvent
from .selectors import audit_events_unsealed
from .services import audit_record


def admin_refuse(request, reason: str) -> None:
    """Note that an admin form refused a change (``reason`` is the error's code).

    Forms only note it: ``AuditedAdminMixin`` writes the refusals to the trail
    once the view has answered, outside the transaction it rolled back.
    """
    if not hasattr(request, "admin_refusals"):
        request.admin_refusals = []
    request.admin_refusals.append(reason)


class AuditedAdminMixin:
    """Admin edits leave an audit event too, like the services' writes.

    Every way the admin writes is covered: the object's form, the rows of its
    inlines, a bulk delete, and — as ``admin.refused`` — every change it refused
    (a form error noted by ``admin_refuse``, or a POST answered 403).
    """

    def _audit(self, request, action, *, obj=None, detail=None):
        audit_record(action=action, actor=request.user,
                     organization=getattr(request, "organization", None),
                     obj=obj, detail=detail, ip=client_ip(request))

    def _audit_deleted(self, request, gone, **extra):
        for label, pk, repr_ in gone:
            self._audit(request, "admin.delete",
                        detail={"model": label, "pk": pk, "repr": repr_, **extra})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, f"admin.{'change' if change else 'add'}", obj=obj,
                    detail={"fields": sorted(form.changed_data)})

    def save_formset(self, request, form, formset, change):
        # Deleting clears the primary key: take what to record first.
        gone = [(f.instance._meta.label, f.instance.pk, str(f.instance))
                for f in formset.deleted_forms if f.instance.pk is not None]
        super().save_formset(request, form, formset, change)
        via = f"{form.instance._meta.label}:{form.instance.pk}"
        for inline_form in formset.forms:
            if inline_form.instance in formset.new_objects:
                self._audit(request, "admin.add", obj=inline_form.instance,
                            detail={"fields": sorted(inline_form.changed_data), "via": via})
        for obj, fields in formset.changed_objects:
            self._audit(request, "admin.change", obj=obj,
                        detail={"fields": sorted(fields), "via": via})
        self._audit_deleted(request, gone, via=via)

    def delete_model(self, request, obj):
        gone = [(obj._meta.label, obj.pk, str(obj))]
        super().delete_model(request, obj)
        self._audit_deleted(request, gone)

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" action does not go through delete_model.
        gone = [(obj._meta.label, obj.pk, str(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        self._audit_deleted(request, gone)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self.recording_refusals(request, object_id, super().changeform_view,
                                       request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self.recording_refusals(request, object_id, super().delete_view,
                                       request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # "Delete selected" answers 403 when one of the rows may not be deleted.
        return self.recording_refusals(request, None, super().changelist_view,
                                       request, extra_context)

    def recording_refusals(self, request, object_id, view, *args):
        """Run an admin view and record what it refused as one ``admin.refused`` event."""
        request.admin_refusals = []
        try:
            return view(*args)
        except PermissionDenied:
            if request.method == "POST" and not request.admin_refusals:
                request.admin_refusals.append("permission_denied")
            raise
        finally:
            if request.admin_refusals:
                self._audit(request, "admin.refused", detail={
                    "model": self.opts.label, "pk": object_id,
                    "reasons": sorted(set(request.admin_refusals))})


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, even for superusers."""

    list_display = ("id", "at", "action", "actor_name", "organization", "object_repr", "ip",
                    "chain_hash")
    list_filter = ("action",)
    search_fields = ("action", "actor_name", "object_repr", "seal__hash")
    date_hierarchy = "at"
    list_select_related = ("organization", "seal")
    readonly_fields = [f.name for f in AuditEvent._meta.fields] + [
        "chain_seq", "chain_prev_hash", "chain_hash"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Sealed bidding events are hidden from the list, its search, its action filter
        # and the change page alike — superusers included (audit.selectors).
        return audit_events_unsealed(super().get_queryset(request))

    @admin.display(description=_("organisation"))
    def org(self, obj):
        return obj.organization

    # The hash chain is in AuditSeal; until the sealer has run, an event has no place in it.
    @admin.display(description=_("chain position"))
    def chain_seq(self, obj):
        return obj.chain_seal.seq if obj.chain_seal else SEALING_PENDING

    @admin.display(description=_("previous hash"))
    def chain_prev_hash(self, obj):
        return obj.prev_hash or SEALING_PENDING

    @admin.display(description=_("hash"))
    def chain_hash(self, obj):
        return obj.hash or SEALING_PENDING


SEALING_PENDING = pgettext_lazy("audit chain", "Sealing pending")
