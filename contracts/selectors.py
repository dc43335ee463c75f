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


# --- contract financing (春风行动 第26条) -------------------------------------------------
# A bank sees an application — and through it the contract, the award and the supplier —
# only once the supplier has applied to it, with consent; never anything else.

def financing_offers_for(award=None):
    """The offers that reach the winner of ``award``: every active bank's active offers.
    (The award is the key so that offers may later depend on it, e.g. on the amount.)"""
    from .models import FinancingOffer

    return FinancingOffer.objects.filter(
        is_active=True, bank__is_active=True, bank__kind=Organization.Kind.BANK,
    ).select_related("bank").order_by("bank__name", "name")


def financing_offers_of(*, organization: Organization | None):
    """A bank's own offers, withdrawn ones too."""
    from .models import FinancingOffer

    if organization is None or organization.kind != Organization.Kind.BANK:
        return FinancingOffer.objects.none()
    return FinancingOffer.objects.filter(bank=organization)


def repayments_prefetch():
    """An application's repayments with who recorded each, in one query."""
    from django.db.models import Prefetch

    from .models import Repayment

    return Prefetch("repayments", queryset=Repayment.objects.select_related("recorded_by"))


def financing_applications_visible_to(*, organization: Organization | None):
    """The supplier's own applications, or those made to this bank — nothing else."""
    from .models import FinancingApplication

    qs = FinancingApplication.objects.select_related(
        "contract__award__lot__project", "contract__purchaser", "supplier", "bank", "offer")
    if organization is None:
        return qs.none()
    if organization.kind == Organization.Kind.BANK:
        return qs.filter(bank=organization)
    if organization.kind == Organization.Kind.SUPPLIER:
        return qs.filter(supplier=organization)
    return qs.none()


def party_of(organization: Organization | None, contract: Contract) -> str:
    """How the acting organisation stands to the contract."""
    if organization is None:
        return ""
    if organization.pk == contract.purchaser_id:
        return "purchaser"
    if organization.pk == contract.supplier_id:
        return "supplier"
    if organization.kind == Organization.Kind.FINANCE:
        return "finance"
    return ""


def contract_clocks(contract: Contract, acceptances=None, invoices=None):
    """The statutory clocks of this contract: signing (on the award), publication and
    filing, each acceptance, each invoice's payment."""
    from django.contrib.contenttypes.models import ContentType

    from deadlines.models import Deadline
    from procurement.models import Award

    from .models import Acceptance, Invoice

    acceptances = contract.acceptances.all() if acceptances is None else acceptances
    invoices = contract.invoices.all() if invoices is None else invoices
    types = ContentType.objects.get_for_models(Award, Contract, Acceptance, Invoice)
    subjects = Q(subject_type=types[Award], subject_id=str(contract.award_id)) \
        | Q(subject_type=types[Contract], subject_id=str(contract.pk)) \
        | Q(subject_type=types[Acceptance], subject_id__in=[str(a.pk) for a in acceptances]) \
        | Q(subject_type=types[Invoice], subject_id__in=[str(i.pk) for i in invoices])
    return list(Deadline.objects.filter(subjects).select_related("organization")
                .order_by("started_at", "id"))
