from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from core.refusals import register_recorder

        from . import receivers  # noqa: F401 — connects the auth signal receivers
        from .refusals import record_refusal

        register_recorder(record_refusal)
