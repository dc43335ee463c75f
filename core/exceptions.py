"""Domain errors.

A service that refuses something raises ``DomainError`` (or a subclass)
carrying a stable ``code``, the legal ``basis`` when the refusal comes from
a statute, and a translated message. Views show it as a clear refusal;
the API returns it as JSON with status 400 (or 409 for a state conflict).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"
    default_message = _("The request was refused.")

    def __init__(self, message=None, *, code=None, basis="", field=None, params=None):
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.basis = basis
        self.field = field
        self.params = params or {}
        super().__init__(str(self.message))

    def __str__(self):
        text = str(self.message)
        if self.params:
            text = text % self.params
        if self.basis:
            text = f"{text} ({self.basis})"
        return text

    def as_dict(self):
        data = {"code": self.code, "detail": str(self.message) % self.params
                if self.params else str(self.message)}
        if self.basis:
            data["basis"] = str(self.basis)
        if self.field:
            data["field"] = self.field
        return data


class RuleViolation(DomainError):
    """A statute (or a platform rule) forbids it: the error's ``basis`` cites which."""

    default_code = "rule_violation"


class PermissionDenied(DomainError):
    status_code = 403
    default_code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class InvalidTransition(DomainError):
    status_code = 409
    default_code = "invalid_transition"
    default_message = _("This step is not allowed in the current state.")
