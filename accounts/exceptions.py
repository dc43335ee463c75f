from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class DuplicateOrganization(DomainError):
    default_code = "duplicate_organization"
    default_message = _("This organisation is already registered.")
