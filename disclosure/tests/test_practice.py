"""The agencies' practice: the stored figures equal a hand count of the seeded data, and
the public pages show them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from complaints.models import Complaint, CreditRecord, Penalty
from complaints.tests.factories_credit import decided_complaint
from disclosure.models import AgencyPractice
from disclosure.services import agency_practice_recompute
from disclosure.tasks_practice import recompute_agency_practice
from procurement.models import Lot
from procurement.tests.factories import LotFactory, ProjectFactory

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 10, 0))
LAST_YEAR = timezone.make_aware(dt.datetime(2025, 12, 31, 23, 30))  # Shanghai time


@pytest.fixture
def agencies(db):
    a = OrganizationFactory(name="河南正信招标代理有限公司", kind=Organization.Kind.AGENCY)
    b = OrganizationFactory(name="魏都区公共资源交易中心", kind=Organization.Kind.CENTRAL_AGENCY)
    idle = OrganizationFactory(name="许昌安达项目管理有限公司", kind=Organization.Kind.AGENCY)
    return a, b, idle


def _record(org, points, at, event=CreditRecord.Event.LATE_PAYMENT):
    return CreditRecord.objects.create(
        organization=org, event=event, points=points, basis="verify", detail="x",
        source_type=ContentType.objects.get_for_model(Organization), source_id=str(at.day),
        source_repr="x", recorded_at=at, expires_at=at + dt.timedelta(days=365))


def seed(agencies, bob):
    a, b, _idle = agencies
    # Staff: two people active at A (one holding two roles), one inactive; one at B.
    twice = UserFactory()
    MembershipFactory(user=twice, organization=a, role=Membership.Role.OFFICER)
    MembershipFactory(user=twice, organization=a, role=Membership.Role.ADMIN)
    MembershipFactory(organization=a, role=Membership.Role.OFFICER)
    MembershipFactory(organization=a, role=Membership.Role.OFFICER, is_active=False)
    MembershipFactory(organization=b, role=Membership.Role.OFFICER)
    # A: two projects announced in 2026 (one with a second lot), one awarded; one
    # announced on New Year's Eve 2025 in Shanghai; a draft that is not counted.
    p1 = ProjectFactory(announced=True, agency=a)
    LotFactory(project=p1, budget=Decimal("100000.00"), ceiling_price=Decimal("100000.00"))
    awarded = LotFactory(awarded=True, project__agency=a)
    p3 = ProjectFactory(announced=True, agency=a, announced_at=LAST_YEAR)
    ProjectFactory(agency=a)  # a draft
    # B: one project in 2026; another agency's work is not A's.
    ProjectFactory(announced=True, agency=b)
    # Complaints about A's projects in 2026: two, one upheld; one about B's in 2025.
    decided_complaint(project=p1, complainant=org_of(bob), user=bob, now=NOW)
    upheld = decided_complaint(project=awarded.project, complainant=org_of(bob), user=bob,
                               now=NOW)
    Complaint.objects.filter(pk=upheld.pk).update(outcome=Complaint.Outcome.UPHELD)
    decided_complaint(project=p3, complainant=org_of(bob), user=bob,
                      now=LAST_YEAR - dt.timedelta(days=40))
    # A's own records: one bad in 2026, one good (not counted), one bad in 2025; a penalty.
    _record(a, -5, NOW - dt.timedelta(days=3))
    _record(a, 2, NOW - dt.timedelta(days=2), event=CreditRecord.Event.GOOD_PERFORMANCE)
    _record(a, -3, LAST_YEAR)
    Penalty.objects.create(organization=a, kind=Penalty.Kind.WARNING,
                           decision_number="魏财罚〔2026〕1号", facts="x", basis="法 第78条",
                           decided_at=NOW - dt.timedelta(days=1),
                           effective_from=NOW - dt.timedelta(days=1), decided_by=bob)
    return awarded


def org_of(user):
    return user.memberships.first().organization


def test_practice_figures_equal_a_hand_count(agencies, bob):
    a, b, idle = agencies
    awarded = seed(agencies, bob)
    award = awarded.award if hasattr(awarded, "award") else awarded.awards.get()
    with CaptureQueriesContext(connection) as queries:
        written = agency_practice_recompute(now=NOW)
    rows = {(r.agency_id, r.year): r for r in AgencyPractice.objects.all()}
    assert written == len(rows) == 4  # A 2026, A 2025, B 2026, the idle agency's 2026
    a26, a25, b26 = rows[(a.pk, 2026)], rows[(a.pk, 2025)], rows[(b.pk, 2026)]
    assert (a26.staff, a25.staff, b26.staff) == (2, 2, 1)
    # p1 (600,000 + 100,000) and the awarded project (600,000).
    assert a26.projects == 2
    assert a26.project_amount == Decimal("1300000.00")
    assert (a26.awarded_budget, a26.awarded_amount) == (awarded.budget, award.amount)
    assert a26.savings_rate == ((awarded.budget - award.amount) * 100
                                / awarded.budget).quantize(Decimal("0.01"))
    assert (a25.projects, a25.project_amount, a25.awarded_budget) == (
        1, Decimal("600000.00"), Decimal("0"))
    assert a25.savings_rate is None
    assert (a26.complaints, a26.complaints_upheld) == (2, 1)
    assert (a25.complaints, a25.complaints_upheld) == (1, 0)
    assert (a26.credit_records, a25.credit_records, a26.penalties) == (1, 1, 1)
    assert (b26.projects, b26.complaints, b26.credit_records, b26.penalties) == (1, 0, 0, 0)
    assert rows[(idle.pk, 2026)].projects == 0
    # One query per figure over all agencies, whatever their number (plus the writes).
    # (The lock that keeps two recounts apart is not a read.)
    reads = [q for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")
             and "pg_advisory_xact_lock" not in q["sql"]]
    assert len(reads) == 7
    assert Lot.objects.filter(project__agency=a).count() == 5  # the draft's is not counted


def test_recomputing_replaces_the_rows_and_is_safe_to_run_twice(agencies, bob):
    a, _b, _idle = agencies
    seed(agencies, bob)
    recompute_agency_practice()  # the task, as the beat runs it
    first = AgencyPractice.objects.count()
    CreditRecord.objects.filter(organization=a).delete()
    assert agency_practice_recompute() == first
    assert AgencyPractice.objects.count() == first
    assert not AgencyPractice.objects.filter(agency=a, credit_records__gt=0).exists()


def test_the_public_sees_the_practice_pages(client, agencies, bob):
    a, _b, _idle = agencies
    seed(agencies, bob)
    agency_practice_recompute(now=NOW)
    response = client.get(reverse("disclosure:practice-list"), {"year": 2026})
    body = response.content.decode()
    assert response.status_code == 200 and a.name in body
    assert response.context["rows"][0].agency == a  # the busiest first
    detail = client.get(reverse("disclosure:practice-detail", args=[a.pk])).content.decode()
    assert "2025" in detail and "2026" in detail
    # Only agencies have a practice page.
    assert client.get(reverse("disclosure:practice-detail", args=[org_of(bob).pk])) \
        .status_code == 404
