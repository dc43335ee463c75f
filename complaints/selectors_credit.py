"""Reads of the credit part, scoped to the person asking: an organisation sees its own
credit, the finance bureau everyone's; the public sees the penalties published and the
listings in force. Read models shared by the pages and the API."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization
from accounts.selectors import is_supervisor

from .filters_credit import ListingFilterSet, OverviewFilterSet, PenaltyFilterSet
from .models import BadBehaviourListing, CreditGrade, CreditRecord, CreditRepair, Penalty, SpotCheck
from .services.credit import (
    BASE_SCORE,
    GRADES,
    SPOT_CHECK_KINDS,
    grade_for,
    in_force,
    listing_in_force,
    spot_check_rates,
)

# Whose grade the overview lists: everyone who takes part in procurement.
GRADED_KINDS = (*SPOT_CHECK_KINDS, Organization.Kind.PURCHASER)


def credit_organization(*, organization: Organization | None, pk) -> Organization:
    """The organisation whose credit is asked for: one's own, or any for the finance
    bureau; else 404."""
    if organization is None:
        raise Http404
    if int(pk) == organization.pk:
        return organization
    if not is_supervisor(organization):
        raise Http404
    try:
        return Organization.objects.get(pk=pk)
    except (Organization.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass
class CreditProfile:
    organization: Organization
    score: int
    grade: str
    history: list = field(default_factory=list)
    records: list = field(default_factory=list)
    listings: list = field(default_factory=list)
    penalties: list = field(default_factory=list)
    repairs: list = field(default_factory=list)


def credit_profile(*, organization: Organization, now=None) -> CreditProfile:
    """One organisation's credit: the current score and grade (BASE_SCORE and its grade
    with no history), the history, every record (each marked ``counts`` and
    ``repairable``), its listings (``in_force``), penalties and repair applications."""
    now = now or timezone.now()
    history = list(CreditGrade.objects.filter(organization=organization))
    records = list(CreditRecord.objects.filter(organization=organization)
                   .prefetch_related("repairs"))
    counting = set(CreditRecord.objects.filter(in_force(now), organization=organization)
                   .values_list("pk", flat=True))
    for record in records:
        record.counts = record.pk in counting
        record.pending_repair = any(r.status == CreditRepair.Status.SUBMITTED
                                    for r in record.repairs.all())
        record.repairable = record.counts and record.points < 0 and not record.pending_repair
    listings = list(BadBehaviourListing.objects.filter(organization=organization)
                    .select_related("penalty"))
    live = set(BadBehaviourListing.objects.filter(listing_in_force(now),
                                                  organization=organization)
               .values_list("pk", flat=True))
    for listing in listings:
        listing.in_force = listing.pk in live
    current = history[0] if history else None
    return CreditProfile(
        organization=organization,
        score=current.score if current else BASE_SCORE,
        grade=current.grade if current else grade_for(BASE_SCORE),
        history=history, records=records, listings=listings,
        penalties=list(Penalty.objects.filter(organization=organization)),
        repairs=list(CreditRepair.objects.filter(organization=organization)
                     .select_related("record", "reviewed_by")))


def _latest(field_name: str):
    return Subquery(CreditGrade.objects.filter(organization=OuterRef("pk"))
                    .order_by("-at", "-id").values(field_name)[:1])


def credit_overview():
    """Every organisation taking part with its current score and grade, lowest first."""
    return (Organization.objects.filter(kind__in=GRADED_KINDS)
            .annotate(score=Coalesce(_latest("score"), Value(BASE_SCORE),
                                     output_field=IntegerField()),
                      grade=Coalesce(_latest("grade"), Value(grade_for(BASE_SCORE))))
            .order_by("score", "name"))


def overview_filterset(*, filters=None) -> OverviewFilterSet:
    return OverviewFilterSet(filters, credit_overview())


def grade_distribution(overview) -> list[tuple[str, int]]:
    counts = dict(overview.order_by().values_list("grade").annotate(n=Count("pk")))
    return [(grade, counts.get(grade, 0)) for grade, _floor in GRADES]


def credit_records_visible_to(*, user, organization: Organization | None):
    qs = CreditRecord.objects.select_related("organization", "expert")
    if organization is not None and is_supervisor(organization):
        return qs
    if organization is None:
        return qs.filter(expert=user) if user.is_authenticated else qs.none()
    return qs.filter(Q(organization=organization) | Q(expert=user))


def credit_record_visible(*, user, organization, pk) -> CreditRecord:
    try:
        return credit_records_visible_to(user=user, organization=organization).get(pk=pk)
    except (CreditRecord.DoesNotExist, ValueError):
        raise Http404 from None


def repairs_visible_to(*, user, organization: Organization | None):
    qs = CreditRepair.objects.select_related("record", "organization", "expert",
                                             "applied_by", "reviewed_by")
    if organization is not None and is_supervisor(organization):
        return qs
    if organization is None:
        return qs.filter(expert=user) if user.is_authenticated else qs.none()
    return qs.filter(Q(organization=organization) | Q(expert=user))


def repairs_queue():
    return (CreditRepair.objects.filter(status=CreditRepair.Status.SUBMITTED)
            .select_related("record", "organization", "expert", "applied_by")
            .order_by("applied_at", "id"))


def penalties_published():
    """Public: every published penalty, newest first."""
    return (Penalty.objects.filter(published_at__isnull=False)
            .select_related("organization", "expert").order_by("-decided_at", "-id"))


def listings_public(*, now=None):
    """Public: the listings in force — lifted or ended ones drop off."""
    now = now or timezone.now()
    return (BadBehaviourListing.objects.filter(listing_in_force(now))
            .select_related("organization", "expert", "penalty", "record")
            .order_by("-listed_from", "-id"))


def penalty_filterset(*, filters=None) -> PenaltyFilterSet:
    return PenaltyFilterSet(filters, penalties_published())


def listing_filterset(*, filters=None, now=None) -> ListingFilterSet:
    return ListingFilterSet(filters, listings_public(now=now))


def spot_checks(*, period: str = ""):
    qs = SpotCheck.objects.select_related("organization", "checked_by")
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-period", "organization__name")


def spot_check_periods() -> list[str]:
    return list(SpotCheck.objects.order_by("-period").values_list("period", flat=True)
                .distinct())


def rates_by_grade() -> list[tuple[str, int]]:
    rates = spot_check_rates()
    return [(grade, rates[grade]) for grade, _floor in GRADES]
