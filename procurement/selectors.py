"""Reads of the procurement life, scoped to who is asking (outsiders get 404)."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from deadlines.services import running_deadline

from .models import (
    Announcement,
    Award,
    Bid,
    BudgetLine,
    CommitteeMember,
    Demand,
    EvaluationResult,
    Lot,
    ProcurementIntention,
    Project,
)
from .rules import DEAD_LOT_STATUSES, LIVE_STATUSES


def budget_lines_of(purchaser: Organization):
    committed = (Lot.objects.filter(project__budget_line=OuterRef("pk"),
                                    project__status__in=LIVE_STATUSES)
                 .exclude(status__in=DEAD_LOT_STATUSES)
                 .values("project__budget_line").annotate(t=Sum("budget")).values("t"))
    return (BudgetLine.objects.filter(purchaser=purchaser)
            .annotate(committed=Coalesce(Subquery(committed, output_field=DecimalField()),
                                         Value(Decimal("0")), output_field=DecimalField()))
            .order_by("-year", "code"))


def intentions_of(purchaser: Organization):
    return ProcurementIntention.objects.filter(purchaser=purchaser)


def demands_of(purchaser: Organization):
    return Demand.objects.filter(purchaser=purchaser).select_related("budget_line")


def _is_finance(org) -> bool:
    return org is not None and org.kind == Organization.Kind.FINANCE


def projects_visible_to(*, organization: Organization | None):
    """The purchaser's projects, the agency's entrusted ones, or all for supervision."""
    qs = Project.objects.select_related("purchaser", "agency", "demand", "budget_line")
    if organization is None:
        return qs.none()
    if _is_finance(organization):
        return qs
    return qs.filter(Q(purchaser=organization) | Q(agency=organization))


def demands_visible_to(*, organization: Organization | None):
    qs = Demand.objects.select_related("purchaser", "budget_line", "intention")
    if organization is None:
        return qs.none()
    if _is_finance(organization):
        return qs
    return qs.filter(purchaser=organization)


def public_notices(*, kind: str = "", q: str = ""):
    """Everything the law says is public, newest first."""
    qs = Announcement.objects.select_related("project", "project__purchaser")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(project__code__icontains=q)
                       | Q(project__purchaser__name__icontains=q))
    return qs


def public_intentions():
    return ProcurementIntention.objects.select_related("purchaser")


def bids_of(supplier: Organization):
    """A supplier's own bids — never another's."""
    return (Bid.objects.filter(supplier=supplier)
            .select_related("lot", "lot__project", "lot__project__purchaser")
            .order_by("-sealed_at"))


def opening_visible_to(*, lot: Lot, organization: Organization | None) -> bool:
    """The opening table goes to the purchaser, its agency, supervision and the bidders."""
    if organization is None:
        return False
    project = lot.project
    if organization.kind == Organization.Kind.FINANCE:
        return True
    if organization.pk in (project.purchaser_id, project.agency_id):
        return True
    return lot.bids.filter(supplier=organization).exclude(status=Bid.Status.WITHDRAWN).exists()


def award_notice_visible_to(*, award: Award, organization: Organization | None) -> bool:
    """The award notice goes to the winner, the purchaser, its agency and supervision."""
    if organization is None:
        return False
    project = award.lot.project
    return organization.kind == Organization.Kind.FINANCE or organization.pk in (
        project.purchaser_id, project.agency_id, award.bid.supplier_id)


def bid_outcome(bid: Bid) -> dict:
    """What a bidder learns of its own bid once the result is out (春风行动 第17条;
    87号令 第69条): its reviews with reasons, its score and rank — and, for the winner,
    the procurement assistant and the signing clock (春风行动 第16条)."""
    lot = bid.lot
    if lot.status not in (Lot.Status.AWARDED, Lot.Status.FAILED) or bid.opened_at is None:
        return {}
    outcome = {"reviews": list(bid.reviews.all()),
               "result": EvaluationResult.objects.filter(bid=bid).first()}
    award = Award.objects.filter(bid=bid).first()
    if award is not None:
        project = lot.project
        person = project.assistant or project.drafted_by
        outcome.update(award=award, assistant=person,
                       assistant_phone=person.mobile or project.contact_phone,
                       sign_clock=running_deadline(subject=award, clock="contract.sign"))
    return outcome


def lot_for_organiser(*, pk: int, organization: Organization | None) -> Lot:
    """A lot of a project the organisation runs or supervises; 404 otherwise."""
    lot = get_object_or_404(Lot.objects.select_related("project"), pk=pk)
    get_object_or_404(projects_visible_to(organization=organization), pk=lot.project_id)
    return lot


def committee_seat(*, lot_pk: int, user):
    """The person's seat on the lot's committee, or None."""
    return (CommitteeMember.objects.filter(committee__lot_id=lot_pk, expert=user)
            .select_related("committee__lot__project").first())


# --- Who bid is secret until opening ---------------------------------------------------
# Before a lot is opened nobody but the supplier itself may learn who obtained the
# documents or bid, nor how many (87号令 第33条 and the rule against disclosing the
# potential bidders' names and number — article to verify). A lot is sealed until its
# opening has happened (opened, or failed at opening) or the procurement is cancelled;
# a project is sealed while any of its lots is. Computed at each read, never stored:
# a clarification can move the deadline, and the opening is what reveals.
SEALED_LOT_STATUSES = (Lot.Status.PENDING, Lot.Status.BIDDING)


def _keys(queryset, field="pk"):
    """Primary keys as text, to match AuditEvent.object_id."""
    return queryset.annotate(_key=Cast(field, CharField())).values("_key")


def sealed_audit_events() -> Q:
    """The audit events that name a bidder or a document holder of a lot not opened:
    any event about one of its bids, and the bidding events recorded on the lot or the
    project (``bid.*`` — sealed, withdrawn, refused — and ``documents.*``).
    Registered with ``audit.selectors.register_sealed_filter``."""
    sealed_lots = Lot.objects.filter(status__in=SEALED_LOT_STATUSES)
    bidding = Q(action__startswith="bid.") | Q(action__startswith="documents.")
    of = ContentType.objects.get_for_model
    return (Q(object_type=of(Bid), object_id__in=_keys(
                Bid.objects.filter(lot__status__in=SEALED_LOT_STATUSES)))
            | bidding & Q(object_type=of(Lot), object_id__in=_keys(sealed_lots))
            | bidding & Q(object_type=of(Project),
                          object_id__in=_keys(sealed_lots, "project_id")))


def sealed_messages() -> Q:
    """Clarifications of a project still sealed: their recipients are its document
    holders (services.projects.announcement_clarify, event key ``clarification:<pk>``).
    Registered with ``notifications.selectors.register_sealed_filter``."""
    notices = Announcement.objects.filter(
        kind=Announcement.Kind.CLARIFICATION,
        project__lots__status__in=SEALED_LOT_STATUSES).values_list("pk", flat=True)
    sealed = Q(pk__in=[])
    for pk in set(notices):
        sealed |= Q(idempotency_key__startswith=f"clarification:{pk}:")
    return Q(category="procurement.clarification") & sealed
