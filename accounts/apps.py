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
            # Refusals recorded by core.refusals for the services of accounts.services.
            "organization.create_refused": _("Organisation registration refused"),
            "organization.update_profile_refused": _("Organisation profile change refused"),
            "membership.grant_refused": _("Granting a role refused"),
            "membership.revoke_refused": _("Withdrawing a role refused"),
            "member.add_refused": _("Adding a colleague refused"),
            "user.create_refused": _("Creating an account refused"),
            "expert.profile_save_refused": _("Saving an expert profile refused"),
        })
