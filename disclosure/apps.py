from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """The public portal (read side, above the lifecycle apps): every notice the law makes
    public, Chinese full-text search, feeds and Open Contracting (OCDS) data. It reads the
    lifecycle apps' tables and hears of their publications through signals after commit;
    they never import it."""

    name = "disclosure"
    verbose_name = _("Public portal")

    def ready(self):
        from audit.actions import register_actions

        from . import services, sources

        register_actions(services.ACTIONS)
        sources.register_all()
