"""The audit trail's recorder of refusals (registered with ``core.refusals``).

A refusal becomes one ``<entity>.<verb>_refused`` event: who asked, for which
organisation, about what, from where, and the refusal's code, basis and
message. It is appended after the service's transaction has rolled back, so
it survives the refusal it records.
"""

from django.db import models

from core.refusals import is_refusal

from .services import audit_record

_ORGANIZATION_ARGUMENTS = ("organization", "supplier", "purchaser", "bank", "agency",
                           "applicant", "complainant")


def _actor(arguments):
    return arguments.get("actor") or arguments.get("user") or arguments.get("expert")


def _organization(arguments):
    for name in _ORGANIZATION_ARGUMENTS:
        value = arguments.get(name)
        if isinstance(value, models.Model):
            return value
    return None


def _subject(arguments, actor, organization):
    """The first model instance the service was given that is not who acted."""
    for value in arguments.values():
        if isinstance(value, models.Model) and value is not actor and value is not organization:
            return value
    return organization


def record_refusal(*, action, error, service, arguments) -> None:
    actor = _actor(arguments)
    organization = _organization(arguments)
    if organization is not None and organization._meta.label != "accounts.Organization":
        organization = None
    subject = _subject(arguments, actor, organization)
    if subject is not None and subject.pk is None:
        subject = None
    detail = {"service": service, "code": error.code, "message": str(error)}
    if error.basis:
        detail["basis"] = str(error.basis)
    if error.field:
        detail["field"] = error.field
    audit_record(action=action, actor=actor, organization=organization, obj=subject,
                 detail=detail, ip=arguments.get("ip"))


__all__ = ["is_refusal", "record_refusal"]
