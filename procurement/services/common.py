from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from core.exceptions import PermissionDenied


def require_role(user, organization: Organization, *roles: str) -> None:
    if not Membership.objects.filter(user=user, organization=organization, is_active=True,
                                     role__in=roles).exists():
        raise PermissionDenied(_("Your role in %(org)s does not allow this."),
                               params={"org": organization.name})


def require_kind(organization: Organization, *kinds: str) -> None:
    if organization.kind not in kinds:
        raise PermissionDenied(_("%(org)s cannot do this."), params={"org": organization.name})


PURCHASER_STAFF = (Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.APPROVER,
                   Membership.Role.LEADER)
