from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """The finance bureau's desk (read side, DESIGN.md): what the platform refused and
    what people went ahead with against its warnings, across every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Supervision")
