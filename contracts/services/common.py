"""What every contract step shares: who the parties' people are and telling them."""

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, PURCHASER_STAFF
from notifications.services import notify

from ..models import Contract

# The purchaser signs through any of its staff who may commit the unit: officers and
# administrators, and its leaders and approvers. The supplier signs through its officers
# and administrators (OFFICERS), who also take every other step of either party.
PURCHASER_SIGNERS = PURCHASER_STAFF

__all__ = ["OFFICERS", "PURCHASER_SIGNERS", "locked", "people", "tell"]


def locked(contract: Contract) -> Contract:
    """The contract row locked for this transaction, with what every step reads."""
    return Contract.objects.select_for_update(of=("self",)).select_related(
        "award__lot__project", "purchaser", "supplier").get(pk=contract.pk)


def people(organization: Organization, roles=OFFICERS):
    return [m.user for m in Membership.objects.filter(
        organization=organization, is_active=True, role__in=roles).select_related("user")]


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

