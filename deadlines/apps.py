from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Statutory clocks")

    def ready(self):
        from audit.actions import register_actions

        # Recompute provisional clocks on calendar load. The clocks' own signals
        # (signals.deadline_overdue, deadline_met) are for higher apps to receive.
        from . import receivers  # noqa: F401

        register_actions({
            "deadline.open": _("Statutory clock started"),
            "deadline.met": _("Statutory duty done"),
            "deadline.overdue": _("Statutory deadline missed"),
            "deadline.waived": _("Statutory clock waived"),
            "deadline.paused": _("Statutory clock paused"),
            "deadline.resumed": _("Statutory clock resumed"),
            "deadline.recomputed": _("Provisional deadline recomputed"),
            "deadline.waive_refused": _("Waiving a statutory clock refused"),
            "deadline.open_refused": _("Starting a statutory clock refused"),
            "deadline.end_refused": _("Ending a statutory clock refused"),
        })
