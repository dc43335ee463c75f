"""The agencies' practice (春风行动 23, verify): what each procurement agency did, year by
year, counted from the lifecycle apps' tables, and the stored figures the public pages
read (``AgencyPractice``, recomputed daily by ``disclosure.tasks_practice``).

``practice_figures`` asks one aggregate query per figure, grouped by agency and year over
all agencies at once (never a loop over agencies or projects): a district's decade of
projects is counted by the database, not by Python.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Organization
from complaints.models import Complaint, CreditRecord, Penalty
from procurement.models import Award, Lot

from .models import AgencyPractice

# Both kinds run procedures for purchasers: the social agencies (代理机构) and the
# central procurement agency (集中采购机构).
AGENCY_KINDS = (Organization.Kind.AGENCY, Organization.Kind.CENTRAL_AGENCY)
UPHELD = (Complaint.Outcome.UPHELD, Complaint.Outcome.PARTLY)
ZERO = Decimal("0.00")


def _empty() -> dict:
    return {"staff": 0, "projects": 0, "project_amount": ZERO, "awarded_budget": ZERO,
            "awarded_amount": ZERO, "complaints": 0, "complaints_upheld": 0,
            "credit_records": 0, "penalties": 0}


def practice_figures(*, now=None) -> dict[tuple[int, int], dict]:
    """``{(agency id, year): figures}`` for every agency: the current year always, and
    every year in which something was counted. Seven queries whatever the volume:

    1. the agencies; 2. their active staff (distinct active people with an active
    membership); 3. projects announced in the year (its lots' count of projects and sum
    of budgets); 4. lots with a live award (budgets and award amounts, for the saving);
    5. complaints about its projects received in the year, and those upheld wholly or
    partly; 6. its negative credit records of the year; 7. penalties decided against it
    in the year. Years are counted in Asia/Shanghai (``ExtractYear`` in the current
    time zone)."""
    now = now or timezone.now()
    this_year = timezone.localtime(now).year
    figures: dict[tuple[int, int], dict] = defaultdict(_empty)
    agencies = list(Organization.objects.filter(kind__in=AGENCY_KINDS, is_active=True)
                    .values_list("pk", flat=True))
    for pk in agencies:  # every agency has this year's row, busy or not
        figures[(pk, this_year)] = _empty()
    known = set(agencies)

    def put(agency, year, **values):
        if agency in known and year is not None:
            figures[(agency, year)].update(values)

    staff = dict(Membership.objects.filter(
        organization__in=agencies, is_active=True, user__is_active=True)
        .values("organization").annotate(n=Count("user", distinct=True))
        .values_list("organization", "n"))
    for row in (Lot.objects.filter(project__agency__in=agencies,
                                   project__announced_at__isnull=False)
                .annotate(agency=F("project__agency"),
                          year=ExtractYear("project__announced_at"))
                .values("agency", "year")
                .annotate(n=Count("project", distinct=True), amount=Sum("budget"))
                .order_by()):
        put(row["agency"], row["year"], projects=row["n"], project_amount=row["amount"])
    for row in (Award.objects.filter(revoked_at__isnull=True,
                                     lot__project__agency__in=agencies,
                                     lot__project__announced_at__isnull=False)
                .annotate(agency=F("lot__project__agency"),
                          year=ExtractYear("lot__project__announced_at"))
                .values("agency", "year")
                .annotate(budget=Sum("lot__budget"), amount=Sum("amount")).order_by()):
        put(row["agency"], row["year"], awarded_budget=row["budget"],
            awarded_amount=row["amount"])
    for row in (Complaint.objects.filter(challenge__project__agency__in=agencies)
                .annotate(agency=F("challenge__project__agency"), year=ExtractYear("filed_at"))
                .values("agency", "year")
                .annotate(n=Count("id"), upheld=Count("id", filter=Q(
                    status=Complaint.Status.DECIDED, outcome__in=UPHELD)))
                .order_by()):
        put(row["agency"], row["year"], complaints=row["n"], complaints_upheld=row["upheld"])
    for row in (CreditRecord.objects.filter(organization__in=agencies, points__lt=0)
                .annotate(year=ExtractYear("recorded_at")).values("organization", "year")
                .annotate(n=Count("id")).order_by()):
        put(row["organization"], row["year"], credit_records=row["n"])
    for row in (Penalty.objects.filter(organization__in=agencies)
                .annotate(year=ExtractYear("decided_at")).values("organization", "year")
                .annotate(n=Count("id")).order_by()):
        put(row["organization"], row["year"], penalties=row["n"])
    for (agency, _year), values in figures.items():
        values["staff"] = staff.get(agency, 0)
    return dict(figures)


# --- what the pages read ------------------------------------------------------------------

def practice_years() -> list[int]:
    return list(AgencyPractice.objects.order_by("-year").values_list("year", flat=True)
                .distinct())


def practice_of_year(year: int):
    """The agencies' rows of one year, the busiest first."""
    return (AgencyPractice.objects.filter(year=year).select_related("agency")
            .order_by("-projects", "-project_amount", "agency__name"))


def practice_agency(pk: int):
    """An agency and its rows, newest year first (404 for anything but an agency)."""
    agency = get_object_or_404(Organization, pk=pk, kind__in=AGENCY_KINDS)
    return agency, list(AgencyPractice.objects.filter(agency=agency).order_by("-year"))


def practice_computed_at():
    return AgencyPractice.objects.order_by("-computed_at").values_list(
        "computed_at", flat=True).first()
