"""Before opening, no role can read a bid's price or files — through any page, API,
admin screen or export. Afterwards the opening table shows them to those entitled."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    SupplierFactory,
    UserFactory,
)
from conftest import org_of
from procurement import services
from procurement.models import Bid
from procurement.services import Upload

pytestmark = pytest.mark.django_db

SECRET_PRICE = "551234.56"
PDF = b"%PDF-1.7\n% the technical offer\n%%EOF\n"


@pytest.fixture
def live_tender(project, alice, approver, purchaser_org):
    agency = OrganizationFactory(name="河南中原招标代理有限公司", kind="agency")
    project.agency = agency
    project.save(update_fields=["agency"])
    services.project_submit(project=project, actor=alice)
    services.project_approve(project=project, actor=approver)
    start = timezone.now()
    services.project_announce(project=project, actor=alice, documents_from=start,
                              documents_until=start + dt.timedelta(days=10),
                              bid_deadline=start + dt.timedelta(days=25), now=start)
    project.refresh_from_db()
    return project


@pytest.fixture
def sealed(live_tender, bob):
    lot = live_tender.lots.get()
    now = timezone.now() + dt.timedelta(seconds=2)
    bid = services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price=SECRET_PRICE,
                              brand="秘密品牌", model="X1", sme_scale="small",
                              sme_items_by_smes=True, contact_name="张博",
                              contact_phone="13800000001",
                              files=[Upload("技术方案.pdf", PDF)], now=now)
    return bid


def _people(live_tender, supervisor):
    agency_user = UserFactory(username="agent")
    MembershipFactory(user=agency_user, organization=live_tender.agency,
                      role=Membership.Role.OFFICER)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"purchaser": live_tender.drafted_by, "agency": agency_user,
            "finance": supervisor, "superuser": root}


def _urls(bid):
    lot, project = bid.lot, bid.lot.project
    notice = project.announcements.get(kind="tender")
    return [
        reverse("procurement:project-detail", args=[project.pk]),
        reverse("procurement:opening", args=[lot.pk]),
        reverse("procurement:notice-detail", args=[notice.pk]),
        reverse("api:project-detail", args=[project.pk]),
        reverse("api:opening", args=[lot.pk]),
        reverse("api:audit-event-list"),
        reverse("audit:event-list"),
        "/admin/procurement/bid/",
        f"/admin/procurement/bid/{bid.pk}/change/",
        "/admin/audit/auditevent/",
        reverse("api-schema"),
    ]


@pytest.mark.parametrize("role", ["purchaser", "agency", "finance", "superuser"])
def test_nobody_reads_a_price_or_file_before_opening(sealed, supervisor, role):
    user = _people(sealed.lot.project, supervisor)[role]
    client = Client()
    client.force_login(user)
    for url in _urls(sealed):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert SECRET_PRICE not in body and "551,234.56" not in body, (role, url)
        assert "秘密品牌" not in body and "the technical offer" not in body, (role, url)
    # Not even the number of bids leaks before opening.
    opening = client.get(reverse("api:opening", args=[sealed.lot.pk]))
    if opening.status_code == 200:
        assert opening.json()["rows"] == []


def test_the_database_holds_no_plaintext_price(sealed):
    bid = Bid.objects.get(pk=sealed.pk)
    assert bid.price is None and bid.opened_payload is None
    assert SECRET_PRICE.encode() not in bytes(bid.sealed_payload)
    assert b"the technical offer" not in bid.files.get().blob.read()


def test_a_supplier_never_sees_another_suppliers_bid(sealed, charlie):
    client = Client()
    client.force_login(charlie)
    assert client.get(reverse("procurement:bid-detail", args=[sealed.pk])).status_code == 404
    assert client.get(reverse("api:bid-detail", args=[sealed.pk])).status_code == 404
    assert client.get(reverse("api:bid-list")).json()["results"] == []
    assert client.get(reverse("procurement:opening", args=[sealed.lot.pk])).status_code == 404
    assert client.post(reverse("api:bid-withdraw", args=[sealed.pk])).status_code == 404


def test_the_bidder_sees_only_its_receipt(sealed, bob):
    client = Client()
    client.force_login(bob)
    body = client.get(reverse("procurement:bid-detail", args=[sealed.pk])).content.decode()
    assert sealed.receipt_sha256 in body and SECRET_PRICE not in body
    data = client.get(reverse("api:bid-detail", args=[sealed.pk])).json()
    assert data["receipt_sha256"] == sealed.receipt_sha256 and "price" not in data


def test_after_the_deadline_the_opening_table_shows_prices(sealed, alice, bob):
    lot = sealed.lot
    for i in range(2):
        org = SupplierFactory(name=f"另一家公司{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price="560000", sme_scale="micro",
                            sme_items_by_smes=True, contact_name="李", contact_phone="1",
                            files=[Upload("a.pdf", PDF)],
                            now=timezone.now() + dt.timedelta(seconds=3))
    from procurement.models import Project

    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    client = Client()
    client.force_login(alice)
    body = client.get(reverse("procurement:opening", args=[lot.pk])).content.decode()
    assert "551,234.56" in body and "秘密品牌" in body
    client.force_login(bob)
    rows = client.get(reverse("api:opening", args=[lot.pk])).json()["rows"]
    assert len(rows) == 3 and {r["price"] for r in rows} == {"551234.56", "560000.00"}


def test_bidding_through_the_api_with_an_idempotency_key(live_tender, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(bob)
    lot = live_tender.lots.get()
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
            "contact_name": "张博", "contact_phone": "138",
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}
    first = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                        HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == 201, first.content
    data["files"] = [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]
    again = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                        HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.json()["id"] == first.json()["id"]
    assert Bid.objects.filter(supplier=org_of(bob)).count() == 1
    bad = client.post(reverse("api:bid-submit", args=[lot.pk]), {**data, "price": "999999",
                      "files": [SimpleUploadedFile("offer.pdf", PDF)]})
    assert bad.status_code == 400 and bad.json()["code"] == "over_ceiling"


def test_the_purchaser_cannot_bid_through_the_api(live_tender, alice):
    client = Client()
    client.force_login(alice)
    lot = live_tender.lots.get()
    response = client.post(reverse("api:bid-submit", args=[lot.pk]), {"price": "1"})
    assert response.status_code == 404
    assert Organization.objects.filter(kind="purchaser").exists()
