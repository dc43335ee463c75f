"""Reads of contract financing, scoped to who is asking (outsiders get 404).

A bank sees an application — and through it the contract, the award and the supplier —
only once the supplier has applied to it, with consent; never anything else. What the
supplier's contract page and the contract API show is read once, by
``contract_financing``."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch

from accounts.models import Organization
from contracts.models import Contract
from contracts.selectors import contracts_visible_to

from . import steps
from .models import FinancingApplication, FinancingOffer, Repayment

K = Organization.Kind
CENT = Decimal("0.01")


def offer_cap(offer: FinancingOffer, amount: Decimal) -> Decimal:
    """The most an offer lends on a contract (or award) of ``amount`` yuan."""
    return (amount * offer.max_percent / 100).quantize(CENT, rounding=ROUND_DOWN)


def financing_offers_for(award=None):
    """The offers that reach the winner of ``award``: every active bank's active offers.
    (The award is the key so that offers may later depend on it, e.g. on the amount.)"""
    return FinancingOffer.objects.filter(
        is_active=True, bank__is_active=True, bank__kind=K.BANK,
    ).select_related("bank").order_by("bank__name", "name")


def financing_offers_of(*, organization: Organization | None):
    """A bank's own offers, withdrawn ones too."""
    if organization is None or organization.kind != K.BANK:
        return FinancingOffer.objects.none()
    return FinancingOffer.objects.filter(bank=organization).select_related("bank")


def repayments_prefetch():
    """An application's repayments with who recorded each, in one query."""
    return Prefetch("repayments", queryset=Repayment.objects.select_related("recorded_by"))


def financing_applications_visible_to(*, organization: Organization | None, status: str = ""):
    """The supplier's own applications, or those made to this bank — nothing else; of
    one ``status`` when it names one."""
    qs = FinancingApplication.objects.select_related(
        "contract__award__lot__project", "contract__purchaser", "supplier", "bank", "offer",
        "consent_by")
    if organization is None:
        return qs.none()
    if organization.kind == K.BANK:
        qs = qs.filter(bank=organization)
    elif organization.kind == K.SUPPLIER:
        qs = qs.filter(supplier=organization)
    else:
        return qs.none()
    if status in FinancingApplication.Status.values:
        qs = qs.filter(status=status)
    return qs


def supplier_contracts(*, organization: Organization | None):
    """The contracts the acting supplier may finance: its own, as the supplier."""
    if organization is None or organization.kind != K.SUPPLIER:
        return Contract.objects.none()
    return contracts_visible_to(organization=organization).filter(supplier=organization)


def collection_account_of(contract: Contract) -> str | None:
    """The collection account agreed with the bank while the supplier's financing is
    approved or disbursed: the purchaser pays the contract into it. None otherwise.
    (Registered with ``contracts.selectors.register_collection_account``.)"""
    live = FinancingApplication.objects.filter(
        contract=contract, status__in=steps.COLLECTING).exclude(collection_account="").first()
    return live.collection_account if live else None


@dataclass
class ContractFinancing:
    """A contract's financing as its supplier sees it, on the page and in the API."""

    contract: Contract
    offers: list            # active offers, each with ``up_to`` (what it lends on it)
    applications: list      # the supplier's applications on it, newest first
    live: FinancingApplication | None
    can_apply: bool


def contract_financing(contract: Contract) -> ContractFinancing:
    """What the supplier's financing page and ``ContractFinancingApi`` show: the offers
    with what each lends on this contract, the applications, and whether it may apply."""
    offers = list(financing_offers_for(contract.award))
    for offer in offers:
        offer.up_to = offer_cap(offer, contract.amount)
    applications = list(financing_applications_visible_to(
        organization=contract.supplier).filter(contract=contract)
        .prefetch_related(repayments_prefetch()))
    live = next((a for a in applications if a.status in steps.LIVE), None)
    can_apply = (contract.signed_at is not None and contract.status != Contract.Status.PAID
                 and live is None)
    return ContractFinancing(contract=contract, offers=offers, applications=applications,
                             live=live, can_apply=can_apply)
