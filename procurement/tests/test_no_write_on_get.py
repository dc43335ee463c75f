"""A page view or an API read never opens a lot, nor writes anything: opening happens at
the deadline through the task scheduled for it (psvc's tasks), and until then every
page says the lot is being opened."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from audit.models import AuditEvent
from core.models import StatusChange
from procurement import services
from procurement.models import Bid, Project
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_deadline(live_tender, supervisor):
    """Three sealed bids, and the deadline just passed; the opening task not yet run."""
    lot = live_tender.lots.get()
    bidders = []
    for i in range(3):
        org = SupplierFactory(name=f"投标人{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("500000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)])
        bidders.append(user)
    Project.objects.filter(pk=live_tender.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    return lot, bidders


def _clients(*users):
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)  # the log-in is audited: before counting
        clients.append(client)
    return clients


def test_reading_the_opening_after_the_deadline_changes_nothing(past_deadline, alice,
                                                                supervisor):
    lot, _bidders = past_deadline
    bid = Bid.objects.filter(lot=lot).first()
    organiser, bidder, finance = _clients(alice, bid.submitted_by, supervisor)
    events, changes = AuditEvent.objects.count(), StatusChange.objects.count()
    project = lot.project
    for client, url in [
        (organiser, reverse("procurement:project-detail", args=[project.pk])),
        (organiser, reverse("procurement:opening", args=[lot.pk])),
        (organiser, reverse("api:opening", args=[lot.pk])),
        (organiser, reverse("api:project-detail", args=[project.pk])),
        (organiser, reverse("procurement:project-list")),
        (finance, reverse("procurement:opening", args=[lot.pk])),
        (bidder, reverse("procurement:bid-detail", args=[bid.pk])),
        (bidder, reverse("procurement:opening", args=[lot.pk])),
        (bidder, reverse("api:bid-detail", args=[bid.pk])),
        (bidder, reverse("api:opening", args=[lot.pk])),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    lot.refresh_from_db()
    assert lot.status == "bidding" and lot.opened_at is None
    assert set(Bid.objects.filter(lot=lot).values_list("status", flat=True)) == {"sealed"}
    assert AuditEvent.objects.count() == events
    assert StatusChange.objects.count() == changes


def test_after_the_deadline_the_pages_say_the_lot_is_being_opened(past_deadline, alice):
    lot, _bidders = past_deadline
    (organiser,) = _clients(alice)
    page = organiser.get(reverse("procurement:opening", args=[lot.pk])).content.decode()
    assert 'data-testid="opening-due"' in page
    data = organiser.get(reverse("api:opening", args=[lot.pk])).json()
    assert data == {"status": "bidding", "opened_at": None, "failure_reason": "",
                    "due": True, "rows": []}
    # The scheduled task opens it; the same reads then show the table.
    from procurement.tasks import open_project_at_deadline

    open_project_at_deadline(lot.project_id)
    data = organiser.get(reverse("api:opening", args=[lot.pk])).json()
    assert data["status"] == "opened" and data["due"] is False and len(data["rows"]) == 3


def test_before_the_deadline_the_opening_is_not_due(live_tender, alice):
    lot = live_tender.lots.get()
    (organiser,) = _clients(alice)
    data = organiser.get(reverse("api:opening", args=[lot.pk])).json()
    assert data["due"] is False and data["rows"] == []
    page = organiser.get(reverse("procurement:opening", args=[lot.pk])).content.decode()
    assert 'data-testid="opening-due"' not in page
