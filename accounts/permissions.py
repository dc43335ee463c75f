"""Who may act: one module for services, views and the API.

- ``require_role(user, organization, *roles)`` — services: the person holds one
  of the roles in the organisation (else ``PermissionDenied``, 403, recorded as
  a refusal by the service's decorator).
- ``require_kind(organization, *kinds)`` — services: the organisation is of a
  kind that may take the step.
- ``acting_organization(request, *kinds)`` — views and APIs: the organisation the
  person acts for, if it is of one of the kinds; otherwise ``Http404`` (an
  outsider learns nothing, DESIGN.md's security model). DRF turns ``Http404``
  into its JSON 404.
- ``ActsForPurchaser``, ``ActsForSupplier``, ``ActsForOrganizer``, ``ActsForFinance``,
  ``ActsForBank`` — the same as DRF permission classes, for a whole APIView:
  ``permission_classes = [ActsForSupplier]``.
- ``is_supervisor(organization)`` — finance-bureau staff, who see every unit.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.exceptions import PermissionDenied

from .models import Membership, Organization
from .selectors import is_supervisor

K = Organization.Kind
ALL_STAFF = tuple(Membership.Role.values)
PURCHASER_STAFF = (Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.APPROVER,
                   Membership.Role.LEADER)
OFFICERS = (Membership.Role.OFFICER, Membership.Role.ADMIN)


def remember_roles(user, organization: Organization | None, roles) -> None:
    """Keep on this request's user what ``ActiveOrganizationMiddleware`` has just read: the
    roles the person holds, active, in the active organisation it acts for.

    ``has_role`` answers yes from it without asking the database again: the services a
    request calls check the roles its middleware read moments before, neither read
    locking the membership. A no is always asked of the database (the organisation may
    be another, or inactive, where the middleware read nothing). The user object is the
    request's own — the session's user is loaded again for every request."""
    if organization is not None and getattr(user, "is_authenticated", False):
        user._remembered_roles = (organization.pk, frozenset(roles))


def has_role(user, organization: Organization | None, *roles: str) -> bool:
    if organization is None or not getattr(user, "is_authenticated", False):
        return False
    remembered = getattr(user, "_remembered_roles", None)
    if remembered and remembered[0] == organization.pk and \
            not remembered[1].isdisjoint(roles or ALL_STAFF):
        return True
    return Membership.objects.filter(user=user, organization=organization, is_active=True,
                                     role__in=roles or ALL_STAFF).exists()


def require_role(user, organization: Organization, *roles: str) -> None:
    """The person holds one of ``roles`` (any role when none is named) in the organisation."""
    if not has_role(user, organization, *roles):
        raise PermissionDenied(_("Your role in %(org)s does not allow this."),
                               params={"org": organization.name})


def require_kind(organization: Organization, *kinds: str) -> None:
    if organization is None or organization.kind not in kinds:
        raise PermissionDenied(_("%(org)s cannot do this."),
                               params={"org": getattr(organization, "name", "—")})


def acting_organization(request, *kinds: str) -> Organization:
    """The organisation the person acts for, when it is of one of ``kinds``; else 404."""
    org = getattr(request, "organization", None)
    if org is None or (kinds and org.kind not in kinds):
        raise Http404
    return org


def supervisor(request) -> Organization:
    """The finance bureau the person acts for; else 404."""
    return acting_organization(request, K.FINANCE)


class ActsFor(BasePermission):
    """DRF: the caller acts for an organisation of one of ``allowed_kinds`` (else 404)."""

    allowed_kinds: tuple = ()

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        acting_organization(request, *self.allowed_kinds)
        return True


class ActsForPurchaser(ActsFor):
    allowed_kinds = (K.PURCHASER,)


class ActsForSupplier(ActsFor):
    allowed_kinds = (K.SUPPLIER,)


class ActsForOrganizer(ActsFor):
    """The purchaser or an agency: whoever organises a procurement."""

    allowed_kinds = (K.PURCHASER, K.AGENCY, K.CENTRAL_AGENCY)


class ActsForFinance(ActsFor):
    allowed_kinds = (K.FINANCE,)


class ActsForBank(ActsFor):
    allowed_kinds = (K.BANK,)


__all__ = ["ALL_STAFF", "OFFICERS", "PURCHASER_STAFF", "ActsFor", "ActsForBank",
           "ActsForFinance", "ActsForOrganizer", "ActsForPurchaser", "ActsForSupplier",
           "acting_organization",
           "has_role", "is_supervisor", "remember_roles", "require_kind", "require_role",
           "supervisor"]
