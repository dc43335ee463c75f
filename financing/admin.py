"""The banks' financing offers, read-only, for the finance bureau's administrators.

Offers are what every winner is shown, and change only through
``services.financing_offer_save`` (audited). Applications and repayments are not here on
purpose: the supplier consented to share its award and contract with one bank only
(春风行动 第26条), and the platform's administration is not that bank."""

from django.contrib import admin

from .models import FinancingOffer


@admin.register(FinancingOffer)
class FinancingOfferAdmin(admin.ModelAdmin):
    list_display = ("bank", "name", "rate", "max_percent", "term_months", "is_active")
    list_filter = ("is_active", "bank")
    search_fields = ("name", "bank__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
