from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from audit.actions import register_actions

        register_actions({
            "preference.set_refused": _("Changing a notification preference refused"),
        })
