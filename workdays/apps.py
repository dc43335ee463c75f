from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from audit.actions import register_actions

        register_actions({"calendar.load": _("Working-day calendar loaded"),
                          "calendar.load_refused": _("Loading a working-day calendar refused")})
