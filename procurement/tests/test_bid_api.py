"""Bidding through the API reaches everything the bid page reaches: a consortium, the
price in words, itemised prices — with the same checks and the same refusals."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from audit.models import AuditEvent
from conftest import org_of
from procurement import services
from procurement.models import Bid, BidQuery, Project
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bid(**overrides) -> dict:
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
            "contact_name": "张博", "contact_phone": "13800000001",
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}
    data.update(overrides)
    return data


def _open(lot):
    """Two more bidders, then the opening at the deadline (as the scheduled task does)."""
    for i in range(2):
        org = SupplierFactory(name=f"其他投标人{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("510000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    services.lot_open(lot=lot)


def test_a_consortium_bids_through_the_api(live_tender, bob):
    lot = live_tender.lots.get()
    members = [{"name": "许昌小微科技有限公司", "scale": "micro", "share": "35"},
               {"name": "魏都区中型制造有限公司", "scale": "medium", "share": "20.5"}]
    response = _client(bob).post(reverse("api:bid-submit", args=[lot.pk]),
                                 _bid(consortium=json.dumps(members, ensure_ascii=False)))
    assert response.status_code == 201, response.content
    assert response.json()["actions"] == ["withdraw"]
    bid = Bid.objects.get(pk=response.json()["id"])
    assert bid.price is None  # sealed: nothing readable before the opening
    _open(lot)
    bid.refresh_from_db()
    assert bid.opened_payload["consortium"] == {
        "lead_scale": "small", "lead_share": "44.50",
        "members": [{"name": "许昌小微科技有限公司", "scale": "micro", "share": "35.00"},
                    {"name": "魏都区中型制造有限公司", "scale": "medium", "share": "20.50"}]}


def test_the_price_in_words_and_itemised_prices_go_through_the_api(live_tender, bob):
    lot = live_tender.lots.get()
    item = lot.items.get()
    # The notice tells an API bidder the ids of the lot and of its items.
    notice = Client().get(reverse("api:notice-list") + "?kind=tender").json()["results"][0]
    assert notice["lots"] == [{"id": lot.pk, "number": 1, "title": lot.title, "items": [
        {"id": item.pk, "name": item.name, "quantity": "60.00", "unit": item.unit}]}]
    response = _client(bob).post(reverse("api:bid-submit", args=[lot.pk]), _bid(
        price_words="伍拾万元整", unit_prices=json.dumps({str(item.pk): "8300"})))
    assert response.status_code == 201, response.content
    bid = Bid.objects.get(pk=response.json()["id"])
    _open(lot)
    bid.refresh_from_db()
    assert bid.opened_payload["price_words"] == "伍拾万元整"
    assert bid.opened_payload["lines"] == [{"item": item.name, "quantity": "60.00",
                                            "unit_price": "8300.00"}]
    # 60 × 8,300 = 498,000 ≠ 500,000: the committee's correction is put to the bidder.
    assert BidQuery.objects.get(bid=bid).corrected_price == Decimal("498000")
    # The opening table shows the price in words as sealed.
    rows = _client(bob).get(reverse("api:opening", args=[lot.pk])).json()["rows"]
    assert {r["price_words"] for r in rows} == {"伍拾万元整", ""}


def test_what_the_service_refuses_through_the_api_it_refuses_as_on_the_page(live_tender,
                                                                             bob):
    lot = live_tender.lots.get()
    client = _client(bob)
    url = reverse("api:bid-submit", args=[lot.pk])
    events = AuditEvent.objects.count()
    # The lot is reserved for SMEs: a large consortium member is refused, with its basis.
    large = [{"name": "大型集团有限公司", "scale": "large", "share": "40"}]
    response = client.post(url, _bid(consortium=json.dumps(large, ensure_ascii=False)))
    assert response.status_code == 400
    assert response.json()["code"] == "sme_reserved"
    assert response.json()["field"] == "consortium"
    # Shares leaving nothing to the lead bidder; words that are not an amount.
    too_much = [{"name": "甲", "scale": "small", "share": "60"},
                {"name": "乙", "scale": "micro", "share": "40"}]
    assert client.post(url, _bid(consortium=json.dumps(too_much))).json()["field"] == \
        "consortium"
    assert client.post(url, _bid(price_words="五十万")).json()["code"] == "price_words"
    assert not Bid.objects.exists()
    # Each refusal is recorded once, by the service (as for the page): "bid.refused".
    refusals = AuditEvent.objects.filter(pk__gt=0).order_by("pk")[events:]
    assert [e.action for e in refusals] == ["bid.refused"] * 3


def test_malformed_structured_parts_are_refused_as_shapes(live_tender, bob):
    lot = live_tender.lots.get()
    client = _client(bob)
    url = reverse("api:bid-submit", args=[lot.pk])
    events = AuditEvent.objects.count()
    not_json = client.post(url, _bid(consortium="许昌小微科技有限公司 | 微型 | 35"))
    assert not_json.status_code == 400 and "consortium" in not_json.json()
    bad_scale = client.post(url, _bid(consortium=json.dumps(
        [{"name": "甲", "scale": "tiny", "share": "5"}])))
    assert bad_scale.status_code == 400 and "consortium" in bad_scale.json()
    other_item = client.post(url, _bid(unit_prices=json.dumps({"999999": "1"})))
    assert other_item.status_code == 400
    assert "unit_prices" in other_item.json()
    assert not Bid.objects.exists()
    assert AuditEvent.objects.count() == events  # a malformed request reached no service


def test_the_schema_documents_the_structured_parts_of_a_bid(alice):
    schema = _client(alice).get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/lots/{id}/bids/"]["post"]["requestBody"]["content"][
        "multipart/form-data"]
    assert body["encoding"]["consortium"]["contentType"] == "application/json"
    assert body["encoding"]["unit_prices"]["contentType"] == "application/json"
    fields = schema["components"]["schemas"]["BidSubmitRequest"]["properties"]
    assert fields["consortium"]["type"] == "array"
    assert fields["unit_prices"]["type"] == "object"
    assert {"price_words", "consortium", "unit_prices"} <= set(fields)
    member = schema["components"]["schemas"]["ConsortiumMemberRequest"]["properties"]
    assert set(member) == {"name", "scale", "share"}


def test_a_bid_of_another_supplier_is_not_reached_through_the_api(live_tender, bob,
                                                                   charlie):
    lot = live_tender.lots.get()
    bid = services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price="500000",
                              sme_scale="small", sme_items_by_smes=True, contact_name="张",
                              contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    client = _client(charlie)
    assert client.get(reverse("api:bid-detail", args=[bid.pk])).status_code == 404
    assert client.get(reverse("api:bid-result", args=[bid.pk])).status_code == 404
    assert client.get(reverse("api:bid-query-list", args=[bid.pk])).status_code == 404
