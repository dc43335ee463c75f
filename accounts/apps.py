from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisations and people")

    def ready(self):
        from audit.actions import register_actions

        register_actions({
            "organization.create": _("Organisation registered"),
            "organization.update": _("Organisation profile changed"),
            "membership.grant": _("Role granted"),
            "membership.revoke": _("Role withdrawn"),
            "supplier.register": _("Supplier registered"),
            "supplier.register_refused": _("Supplier registration refused"),
            "expert.profile_save": _("Expert profile saved"),
        })
