"""The 中小企业声明函 through the bid page and the bid API: each item of the lot with its
maker and the maker's scale, sealed with the bid (财库〔2020〕46号 第4、11条)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Bid, Project
from procurement.tests.fixtures import PDF
from procurement.tests.test_sme import bidder

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(lot):
    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    services.lot_open(lot=lot)


def _pdf():
    return SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")


def test_the_api_seals_each_items_maker_and_scale(live_tender, bob):
    lot = live_tender.lots.get()
    item = lot.items.get()
    rows = [{"item": item.pk, "maker": "联想（北京）有限公司", "maker_scale": "large"}]
    response = _client(bob).post(reverse("api:bid-submit", args=[lot.pk]), {
        "price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
        "sme_items": json.dumps(rows, ensure_ascii=False), "contact_name": "张博",
        "contact_phone": "1", "files": [_pdf()]})
    # A wholly reserved lot: a small reseller of a large firm's goods is refused, though
    # it ticked the old yes/no — the items decide.
    assert response.status_code == 400, response.content
    assert "第4条" in response.content.decode() and not Bid.objects.exists()

    rows[0].update(maker="许昌小微电脑有限公司", maker_scale="micro")
    response = _client(bob).post(reverse("api:bid-submit", args=[lot.pk]), {
        "price": "500000", "sme_scale": "small", "consortium_control": "false",
        "sme_items": json.dumps(rows, ensure_ascii=False), "contact_name": "张博",
        "contact_phone": "1", "files": [_pdf()]})
    assert response.status_code == 201, response.content
    bid = Bid.objects.get()
    for i in range(2):  # two more SMEs, so that the lot opens
        org, user = bidder(f"其他{i}", "small")
        services.bid_submit(lot=lot, supplier=org, user=user, price="510000",
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    _open(lot)
    bid.refresh_from_db()
    assert bid.opened_payload["sme_declaration"] == {
        "scale": "small", "all_items_by_smes": True,
        "items": [{"item": item.pk, "name": item.name, "maker": "许昌小微电脑有限公司",
                   "maker_scale": "micro"}]}


def test_the_page_asks_the_maker_of_each_item_and_seals_it(live_tender, bob):
    lot = live_tender.lots.get()
    item = lot.items.get()
    client = _client(bob)
    page = client.get(reverse("procurement:bid-create", args=[lot.pk])).content.decode()
    assert f'name="maker_{item.pk}"' in page and f'name="maker_scale_{item.pk}"' in page
    data = {"price": "500000", "sme_scale": "small", "contact_name": "张博",
            "contact_phone": "1", "idempotency_key": "k1", f"maker_{item.pk}": "许昌小微电脑",
            "files": [_pdf()]}
    # A maker without its scale: the declaration is incomplete, nothing is sealed.
    response = client.post(reverse("procurement:bid-create", args=[lot.pk]), data)
    assert response.status_code == 200 and not Bid.objects.exists()
    data.update({f"maker_scale_{item.pk}": "micro", "files": [_pdf()]})
    response = client.post(reverse("procurement:bid-create", args=[lot.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bid = Bid.objects.get()
    assert bid.receipt_sha256
