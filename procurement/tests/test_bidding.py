import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from audit.models import AuditEvent
from conftest import org_of
from core.exceptions import DomainError
from notifications.models import Message
from procurement import sealing, services
from procurement.models import Bid, BidFile, Lot
from procurement.services import Upload
from procurement.tests.fixtures import NOW

pytestmark = pytest.mark.django_db

DEADLINE = NOW + dt.timedelta(days=21)
PDF = b"%PDF-1.7\n1 0 obj << /Title (bid) >> endobj\ntrailer\n%%EOF\n"


@pytest.fixture
def bidding(approved, alice):
    services.project_announce(project=approved, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    return approved.lots.get()


def supplier(name, scale="small"):
    org = SupplierFactory(name=name, scale=scale)
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return org, user


def submit(lot, org, user, price="550000.00", now=None, **kw):
    kw.setdefault("files", [Upload("投标文件.pdf", PDF)])
    return services.bid_submit(lot=lot, supplier=org, user=user, price=price, brand="联想",
                               model="M90", sme_scale=kw.pop("sme_scale", "small"),
                               sme_items_by_smes=kw.pop("sme_items_by_smes", True),
                               contact_name="张三", contact_phone="13800000000",
                               now=now or NOW + dt.timedelta(days=3), **kw)


def test_a_sealed_bid_keeps_no_plaintext_and_gives_a_receipt(bidding, bob):
    bid = submit(bidding, org_of(bob), bob, price="551234.56", ip="10.0.0.8",
                 device_id="dev-1")
    assert bid.status == Bid.Status.SEALED and bid.price is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_payload, price FROM procurement_bid WHERE id = %s",
                       [bid.pk])
        payload, price = cursor.fetchone()
    assert price is None
    assert b"551234" not in bytes(payload)
    stored = BidFile.objects.get(bid=bid).blob.read()
    assert b"%PDF" not in stored and stored != PDF
    bundle = json.dumps({"payload": {"price": "551234.56", "brand": "联想", "model": "M90",
                                     "sme_declaration": {"scale": "small",
                                                         "all_items_by_smes": True}},
                         "files": [sealing.digest(PDF)]}, sort_keys=True,
                        ensure_ascii=False).encode()
    assert bid.receipt_sha256 == sealing.digest(bundle)
    event = AuditEvent.objects.get(action="bid.seal")
    assert "551234" not in json.dumps(event.detail)


def test_one_second_late_is_refused_by_the_server_clock(bidding, bob):
    with pytest.raises(DomainError) as exc:
        submit(bidding, org_of(bob), bob, now=DEADLINE)
    assert exc.value.code == "late" and "87号令 第33条" in exc.value.basis
    submit(bidding, org_of(bob), bob, now=DEADLINE - dt.timedelta(seconds=1))
    assert Bid.objects.count() == 1


def test_over_the_ceiling_is_refused(bidding, bob):
    with pytest.raises(DomainError) as exc:
        submit(bidding, org_of(bob), bob, price="580000.01")
    assert exc.value.code == "over_ceiling"
    assert not Bid.objects.exists()


def test_a_reserved_lot_refuses_a_large_enterprise(bidding):
    org, user = supplier("大企业", scale="large")
    with pytest.raises(DomainError) as exc:
        submit(bidding, org, user, sme_scale="large")
    assert exc.value.code == "sme_reserved"


@pytest.mark.parametrize(("name", "data", "code"), [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "file_type"),
    ("报价.pdf", b"PK\x03\x04" + b"\x00" * 100, "file_type"),
    ("报价.docx", PDF, "file_mismatch"),
    ("空.pdf", b"", "file_empty"),
])
def test_files_are_checked_by_content(bidding, bob, name, data, code):
    with pytest.raises(DomainError) as exc:
        submit(bidding, org_of(bob), bob, files=[Upload(name, data)])
    assert exc.value.code == code
    assert not Bid.objects.exists()


def test_resubmitting_withdraws_the_earlier_bid(bidding, bob):
    first = submit(bidding, org_of(bob), bob)
    second = submit(bidding, org_of(bob), bob, price="540000")
    first.refresh_from_db()
    assert first.status == Bid.Status.WITHDRAWN and second.status == Bid.Status.SEALED


def test_withdraw_until_the_deadline_only(bidding, bob):
    bid = submit(bidding, org_of(bob), bob)
    with pytest.raises(DomainError):
        services.bid_withdraw(bid=bid, user=bob, now=DEADLINE)
    services.bid_withdraw(bid=bid, user=bob, now=DEADLINE - dt.timedelta(minutes=1))
    bid.refresh_from_db()
    assert bid.status == Bid.Status.WITHDRAWN


def test_an_idempotency_key_makes_a_retry_harmless(bidding, bob):
    a = submit(bidding, org_of(bob), bob, idempotency_key="k-1")
    b = submit(bidding, org_of(bob), bob, idempotency_key="k-1", price="1.00")
    assert a.pk == b.pk and Bid.objects.count() == 1


def test_a_purchaser_cannot_bid(bidding, alice):
    with pytest.raises(DomainError):
        submit(bidding, org_of(alice), alice)


def test_clarifications_reach_everyone_who_obtained_the_documents(bidding, bob, alice):
    services.documents_obtain(project=bidding.project, supplier=org_of(bob), user=bob,
                              now=NOW + dt.timedelta(days=1))
    services.announcement_clarify(project=bidding.project, actor=alice, text="更正交货期。",
                                  affects_bids=True, now=NOW + dt.timedelta(days=10))
    message = Message.objects.get(recipient=bob, channel="inapp",
                                  category="procurement.clarification")
    assert "顺延" in message.body


class TestOpening:
    def test_not_before_the_deadline(self, bidding):
        with pytest.raises(DomainError):
            services.lot_open(lot=bidding, now=DEADLINE - dt.timedelta(seconds=1))

    def test_fewer_than_three_bids_fail_the_lot_and_everyone_is_told(self, bidding, bob, alice):
        submit(bidding, org_of(bob), bob)
        other, user = supplier("第二家公司")
        submit(bidding, other, user)
        lot = services.lot_open(lot=bidding, now=DEADLINE)
        assert lot.status == Lot.Status.FAILED and "87号令" in lot.failure_reason
        assert Bid.objects.filter(price__isnull=False).count() == 0  # never decrypted
        assert lot.project.announcements.filter(kind="failure").exists()
        for person in (alice, bob, user):
            assert Message.objects.filter(recipient=person, channel="inapp",
                                          category="procurement.opening").exists()
        lot.project.refresh_from_db()
        assert lot.project.status == "failed"

    def test_three_bids_open_and_prices_appear_only_now(self, bidding, bob):
        prices = {"bob": "551000.00"}
        submit(bidding, org_of(bob), bob, price=prices["bob"])
        for i, price in enumerate(["549000.00", "560000.50"]):
            org, user = supplier(f"投标公司{i}")
            submit(bidding, org, user, price=price)
        lot = services.lot_open(lot=bidding, now=DEADLINE)
        assert lot.status == Lot.Status.OPENED
        table = services.opening_table(lot)
        assert sorted(r["price"] for r in table) == [Decimal("549000.00"), Decimal("551000.00"),
                                                     Decimal("560000.50")]
        assert {r["brand"] for r in table} == {"联想"}
        lot.project.refresh_from_db()
        assert lot.project.status == "opened"
        assert services.lot_open(lot=lot, now=DEADLINE).status == Lot.Status.OPENED  # idempotent

    def test_the_beat_opens_due_lots(self, bidding):
        assert services.lots_open_due(now=DEADLINE - dt.timedelta(minutes=1)) == 0
        assert services.lots_open_due(now=DEADLINE) == 1
        bidding.refresh_from_db()
        assert bidding.status == Lot.Status.FAILED
