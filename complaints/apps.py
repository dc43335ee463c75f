from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the app keeps its audit labels, notification categories and hooks in
# its own services module (``ACTIONS``, ``register()``), beside the services that
# record them.
PARTS = ("inquiries", "challenges", "complaints", "mediation", "credit")


class ComplaintsConfig(AppConfig):
    """询问, 质疑 and 投诉, mediation, credit and penalties (lifecycle layer, above
    ``procurement`` and ``contracts``: it suspends signing through
    ``contracts.services`` and hears of late payments and acceptances through their
    signals; the apps below never import it)."""

    name = "complaints"
    verbose_name = _("Inquiries, challenges, complaints and credit")

    def ready(self):
        from audit.actions import register_actions
        from procurement.holds import register_hold

        from .holds import complaint_hold

        # A complaint's suspension of the procurement holds its opening, evaluation and
        # award (法 第57条) without procurement importing this app.
        register_hold(complaint_hold)
        for part in PARTS:
            module = import_module(f"complaints.services.{part}")
            register_actions(getattr(module, "ACTIONS", {}))
            if hasattr(module, "register"):
                module.register()
