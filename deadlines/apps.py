from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Statutory clocks")

    def ready(self):
        from audit.actions import register_actions

        from . import receivers  # noqa: F401 — recompute provisional clocks on calendar load

        register_actions({
            "deadline.open": _("Statutory clock started"),
            "deadline.met": _("Statutory duty done"),
            "deadline.overdue": _("Statutory deadline missed"),
            "deadline.waived": _("Statutory clock waived"),
            "deadline.paused": _("Statutory clock paused"),
            "deadline.resumed": _("Statutory clock resumed"),
            "deadline.recomputed": _("Provisional deadline recomputed"),
        })
