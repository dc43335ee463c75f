"""Human labels for audit action codes.

Each app registers the actions it records (from its AppConfig.ready), so
the audit log reads as sentences while the stored code stays stable.
"""

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str] = {}
_OVERRIDES: set[str] = set()


def register_actions(labels: dict) -> None:
    _LABELS.update(labels)


def register_overrides(*codes: str) -> None:
    """Actions that record a person going ahead against a warning of the platform (a
    fair-competition finding overridden with a justification): with the refusals, the
    compliance interceptions the finance bureau supervises (系统自动预警和拦截)."""
    _OVERRIDES.update(codes)


def override_actions() -> frozenset[str]:
    return frozenset(_OVERRIDES)


def action_label(code: str) -> str:
    if code in _LABELS:
        return _LABELS[code]
    if code.endswith("_refused"):
        # A refusal recorded by core.refusals for a step without its own label.
        return _("Refused: %(step)s") % {"step": code.removesuffix("_refused")}
    return code


register_actions({
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed log-in"),
    "auth.locked_out": _("Locked out after repeated failures"),
    "auth.password_change": _("Changed password"),
    "admin.add": _("Added in administration"),
    "admin.change": _("Changed in administration"),
    "admin.delete": _("Deleted in administration"),
    "admin.refused": _("Refused in administration"),
})
