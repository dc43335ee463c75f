"""What every contract step shares: who the parties' people are, telling them, and the
purchaser's ledger (台账) row."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from core.exceptions import PermissionDenied
from deadlines.models import Deadline
from notifications.services import notify
from procurement.models import Award

from ..models import Contract, LedgerRow
from ..selectors import contract_clocks

OFFICERS = (Membership.Role.OFFICER, Membership.Role.ADMIN)
PURCHASER_SIGNERS = (Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.LEADER,
                     Membership.Role.APPROVER)


def locked(contract: Contract) -> Contract:
    """The contract row locked for this transaction, with what every step reads."""
    return Contract.objects.select_for_update(of=("self",)).select_related(
        "award__lot__project", "purchaser", "supplier").get(pk=contract.pk)


def people(organization: Organization, roles=OFFICERS):
    return [m.user for m in Membership.objects.filter(
        organization=organization, is_active=True, role__in=roles).select_related("user")]


def require_member(user, organization: Organization, roles=OFFICERS) -> None:
    if not Membership.objects.filter(user=user, organization=organization, is_active=True,
                                     role__in=roles).exists():
        raise PermissionDenied(_("Your role in %(org)s does not allow this."),
                               params={"org": organization.name})


def tell(contract: Contract, organization: Organization, *, key: str, subject: str,
         body: str, now, category: str = "contracts.contract", extra=()) -> None:
    recipients = people(organization)
    project = contract.award.lot.project
    if organization.pk == contract.supplier_id and project.assistant_id:
        recipients.append(project.assistant)  # the assistant follows the winner's nodes
    recipients += list(extra)
    notify(event_key=f"contract:{contract.pk}:{key}:{organization.pk}",
           recipients=list({u.pk: u for u in recipients}.values()), category=category,
           subject=subject, body=f"【春风政采】{body}", link=contract.get_absolute_url(),
           now=now)


def ledger_sync(award: Award, *, now=None) -> LedgerRow:
    """Bring the purchaser's ledger row for this awarded lot up to date."""
    now = now or timezone.now()
    lot = award.lot
    project = lot.project
    contract = Contract.objects.filter(award=award).first()
    overdue = sum(1 for d in contract_clocks(contract) if d.status == Deadline.Status.OVERDUE) \
        if contract is not None else Deadline.objects.filter(
            clock="contract.sign", subject_id=str(award.pk),
            subject_type__app_label="procurement", status=Deadline.Status.OVERDUE).count()
    values = {
        "purchaser": project.purchaser, "project_code": project.code,
        "project_title": project.title, "lot_number": lot.number, "budget": lot.budget,
        "supplier_name": award.bid.supplier.name, "award_amount": award.amount,
        "awarded_at": award.confirmed_at, "updated_at": now, "overdue_clocks": overdue,
        "status": contract.status if contract else "awarded",
    }
    if contract is not None:
        values.update(contract_number=contract.number, contract_amount=contract.total_amount,
                      signed_at=contract.signed_at, published_at=contract.published_at,
                      filed_at=contract.filed_at, accepted_at=contract.accepted_at,
                      paid_total=contract.paid_total)
    row, _created = LedgerRow.objects.update_or_create(award=award, defaults=values)
    return row
