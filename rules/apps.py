from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "rules"
    label = "statutory_rules"  # "rules" is taken by a well-known third-party app
    verbose_name = _("Statutory rules")

    def ready(self):
        from .registry import validate_overrides

        validate_overrides()
