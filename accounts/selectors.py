"""Reads about organisations and people, scoped to who is asking."""

from django.db import models
from django.db.models import Count, Q

from .models import Membership, Organization, User


def memberships_of(user: User):
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__kind", "organization__name", "role")
    )


def is_supervisor(organization: Organization | None) -> bool:
    """Finance-bureau staff supervise every organisation."""
    return organization is not None and organization.kind == Organization.Kind.FINANCE


def organizations_visible_to(*, user: User, organization: Organization | None):
    """Organisations a person may open: their own, or all for the finance bureau.

    Anything else answers 404, not 403 (DESIGN.md, security model).
    """
    qs = Organization.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_supervisor(organization):
        return qs
    return qs.filter(memberships__user=user, memberships__is_active=True).distinct()


def organization_members(organization: Organization):
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "role", "user__real_name")
    )


def organization_people(organization: Organization) -> list[dict]:
    """One row per person — ``{"user", "memberships", "is_active"}`` — with every role
    they hold here, active first: a person with two roles is listed once."""
    rows: dict[int, dict] = {}
    for m in organization_members(organization):
        row = rows.setdefault(m.user_id, {"user": m.user, "memberships": [],
                                          "is_active": False})
        row["memberships"].append(m)
        row["is_active"] = row["is_active"] or m.is_active
    return sorted(rows.values(), key=lambda r: not r["is_active"])  # stable: keeps the order


def staff_of(organizations) -> "models.QuerySet[User]":
    """The active people of these organisations, each once (a person may hold several
    roles, in several of them): the choices where a person is named."""
    return (User.objects.filter(is_active=True, memberships__organization__in=organizations,
                                memberships__is_active=True)
            .distinct().order_by("username"))


def organization_counts_by_kind() -> dict[str, int]:
    rows = Organization.objects.filter(is_active=True).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def supplier_counts_by_scale() -> dict[str, int]:
    rows = (
        Organization.objects.filter(kind=Organization.Kind.SUPPLIER, is_active=True)
        .values("scale")
        .annotate(n=Count("id"))
    )
    return {row["scale"]: row["n"] for row in rows}


def organization_search(*, queryset, q: str = "", kind: str = ""):
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    return queryset
