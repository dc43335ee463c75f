from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    """Contract financing (春风行动 第26条), above ``contracts`` and ``procurement``:
    it hears of awards through ``procurement.signals.award_confirmed`` and tells
    ``contracts`` where payments go through the hook ``contracts.selectors`` offers, so
    neither imports it."""

    name = "financing"
    verbose_name = _("Contract financing")

    def ready(self):
        from audit.actions import register_actions
        from contracts.selectors import register_collection_account
        from notifications.categories import register_category
        from procurement.signals import award_confirmed

        from .receivers import financing_offers_on_award
        from .selectors import collection_account_of

        award_confirmed.connect(financing_offers_on_award,
                                dispatch_uid="financing.offers_on_award")
        register_collection_account(collection_account_of)
        # The key predates this app (messages and preferences are stored under it).
        register_category("contracts.financing", _("Contract financing"), statutory=False)
        register_actions({
            "financing.offer": _("Financing offer saved"),
            "financing.apply": _("Financing applied for, with consent"),
            "financing.decide": _("Financing decided by the bank"),
            "financing.disburse": _("Financing disbursed"),
            "financing.repay": _("Financing repayment recorded"),
            "financing.rate": _("Financing service rated"),
            # Recorded by core.refusals after the rollback, whoever asked.
            "financing.offer_save_refused": _("Financing offer refused"),
            "financing.apply_refused": _("Financing application refused"),
            "financing.decide_refused": _("Financing decision refused"),
            "financing.disburse_refused": _("Financing disbursement refused"),
            "financing.repay_refused": _("Financing repayment refused"),
            "financing.rate_refused": _("Financing rating refused"),
        })
