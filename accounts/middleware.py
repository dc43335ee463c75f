from .permissions import remember_roles
from .selectors import memberships_of

SESSION_KEY = "active_organization"


def resolve_active_organization(request):
    """The organisation the person is acting for, and their roles in it.

    Most people belong to one organisation; someone with several chooses
    which one they act for (stored in the session).
    """
    user = request.user
    if not user.is_authenticated:
        return None, [], []
    memberships = list(memberships_of(user))
    if not memberships:
        return None, [], []
    orgs = {m.organization_id: m.organization for m in memberships}
    org = orgs.get(request.session.get(SESSION_KEY)) or memberships[0].organization
    roles = [m.role for m in memberships if m.organization_id == org.pk]
    return org, roles, list(orgs.values())


class ActiveOrganizationMiddleware:
    """Sets ``request.organization``, ``request.roles`` and ``request.organizations``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization, request.roles, request.organizations = (
            resolve_active_organization(request)
        )
        # The services this request calls check these roles again (require_role):
        # answered from this read rather than a second one.
        remember_roles(request.user, request.organization, request.roles)
        return self.get_response(request)
