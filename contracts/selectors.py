"""Reads of contracts, scoped to who is asking (outsiders get 404)."""

from django.db.models import Q

from accounts.models import Organization

from .models import Contract, LedgerRow


def contracts_visible_to(*, organization: Organization | None):
    """The purchaser's and the supplier's own contracts; all of them for supervision."""
    qs = Contract.objects.select_related("purchaser", "supplier", "award__lot__project")
    if organization is None:
        return qs.none()
    if organization.kind == Organization.Kind.FINANCE:
        return qs
    return qs.filter(Q(purchaser=organization) | Q(supplier=organization))


def ledger_of(*, organization: Organization | None):
    qs = LedgerRow.objects.select_related("award")
    if organization is None:
        return qs.none()
    if organization.kind == Organization.Kind.FINANCE:
        return qs
    return qs.filter(purchaser=organization)
