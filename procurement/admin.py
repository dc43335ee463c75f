import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin

from .models import (
    Announcement,
    Bid,
    BudgetLine,
    Demand,
    DemandItem,
    EvaluationCriterion,
    FairnessFinding,
    FairnessPattern,
    Lot,
    ProcurementIntention,
    Project,
    Threshold,
)
from .selectors import SEALED_LOT_STATUSES


class FairnessPatternForm(forms.ModelForm):
    class Meta:
        model = FairnessPattern
        fields = ["topic", "reader", "severity", "pattern", "exception", "message", "basis",
                  "is_active"]

    def _regex(self, name):
        value = self.cleaned_data.get(name, "")
        try:
            re.compile(value)
        except re.error as exc:
            raise forms.ValidationError(_("Not a valid regular expression: %(e)s"),
                                        params={"e": exc}) from exc
        return value

    def clean_pattern(self):
        return self._regex("pattern")

    def clean_exception(self):
        return self._regex("exception")

    def clean(self):
        data = super().clean()
        is_fee = data.get("reader") == FairnessPattern.Reader.FEE
        if is_fee != (data.get("topic") in FairnessPattern.FEE_TOPICS):
            raise forms.ValidationError(_("A fee pattern needs a fee topic (bid bond, "
                                          "performance bond, document, platform or agency "
                                          "fee), and a fee topic needs the fee reader."))
        return data


@admin.register(FairnessPattern)
class FairnessPatternAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The finance bureau maintains the fair-competition check here."""

    form = FairnessPatternForm
    list_display = ("topic", "reader", "severity", "pattern", "basis", "is_active")
    list_filter = ("topic", "reader", "severity", "is_active")
    search_fields = ("pattern", "message")


@admin.register(Threshold)
class ThresholdAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "category", "amount", "effective_from", "basis")
    list_filter = ("kind", "category")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lifecycle records change only through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "purchaser", "method", "status", "bid_deadline")
    list_filter = ("status", "method")
    search_fields = ("code", "title", "purchaser__name")
    inlines = [LotInline]


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ("title", "purchaser", "category", "status", "created_at")
    list_filter = ("status", "category")
    search_fields = ("title",)


@admin.register(FairnessFinding)
class FairnessFindingAdmin(ReadOnlyAdmin):
    list_display = ("demand", "severity", "topic", "excerpt", "overridden_by", "overridden_at")
    list_filter = ("severity", "topic")


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """Receipts only, and only of opened lots. The sealed payload is never shown; the
    price is NULL until the opening service fills it. Before opening even the row is
    hidden, from superusers too: it would say who bid, how many, and the bidder's
    contact, device and address (selectors.SEALED_LOT_STATUSES)."""

    list_display = ("lot", "supplier", "status", "sealed_at", "receipt_sha256", "opened_at")
    list_filter = ("status",)
    search_fields = ("supplier__name", "receipt_sha256")
    exclude = ("sealed_payload",)
    readonly_fields = ("token", "lot", "supplier", "submitted_by", "round", "status",
                       "receipt_sha256", "sealed_at", "withdrawn_at", "contact_name",
                       "contact_phone", "ip", "device_id", "price", "opened_at")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(lot__status__in=SEALED_LOT_STATUSES)


for model in (BudgetLine, ProcurementIntention, Announcement, DemandItem,
              EvaluationCriterion):
    admin.site.register(model, ReadOnlyAdmin)
