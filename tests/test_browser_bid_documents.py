"""The committee sees the bids (issue #12): after opening, an expert scores one bid with
its documents open beside the scoring form — the PDF in the page's viewer, the itemised
prices — and each reading is in the audit trail. Before opening the same addresses are
404."""

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from accounts.tests.factories import PASSWORD
from audit.models import AuditEvent
from procurement import sealing, services
from procurement.models import BidFile, Score
from procurement.tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIDDERS = [("许昌华信科技有限公司", "希沃", "372000.00", "Seewo"),
           ("河南明远教育装备有限公司", "鸿合", "380000.00", "Hite"),
           ("河南智慧校园网络工程有限公司", "皓丽", "385000.00", "Horion")]


def _seal_file(bid, name: str, data: bytes) -> BidFile:
    """A file sealed as ``bid_submit`` seals it: encrypted with the lot's key."""
    sha = sealing.digest(data)
    record = BidFile(bid=bid, name=name, kind="pdf", size=len(data), sha256=sha)
    record.blob.save("sealed.bin", ContentFile(
        sealing.seal(bid.lot.wrapped_key, data, bid.aad + sha.encode())), save=False)
    record.save()
    return record


def test_an_expert_scores_with_the_bid_documents_open(live_server, page, screenshot):
    from tests.conftest import restore_reference_data

    restore_reference_data()
    lot = factories.LotFactory(bidding=True)
    bids = []
    for name, brand, price, latin in BIDDERS:
        org = factories.SupplierFactory(name=name)
        factories.member(org, "admin")
        bid = factories.BidFactory(lot=lot, supplier=org, amount=Decimal(price), files=False,
                                   extra={"brand": brand, "model": "86寸交互平板", "lines": [
                                       {"item": "交互式智能平板", "quantity": "20",
                                        "unit_price": str(Decimal(price) / 20)}]})
        _seal_file(bid, "技术方案.pdf",
                   factories.simple_pdf(f"Technical offer of {latin}: 20 interactive panels"))
        bids.append(bid)
    first = bids[0]
    record = first.files.get()

    # Before opening: the bid's page and file are 404, for the organiser too.
    officer = factories.staff_of(lot.project.purchaser)
    login(page, live_server, officer.username, PASSWORD)
    for path in (f"/procurement/bids/{first.pk}/documents/",
                 f"/procurement/bids/{first.pk}/files/{record.pk}/"):
        assert page.goto(live_server.url + path).status == 404

    factories.open_bids(lot)
    factories.experts(5)
    committee = services.committee_draw(lot=lot, actor=officer)
    expert = committee.members.exclude(role="chair").first().expert

    page.context.clear_cookies()
    login(page, live_server, expert.username, PASSWORD)
    page.goto(f"{live_server.url}/procurement/lots/{lot.pk}/committee/")
    page.get_by_test_id(f"read-{first.pk}").click()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("bid-documents").is_visible()
    viewer = page.get_by_test_id("bid-viewer")
    assert viewer.get_attribute("src") == f"/procurement/bids/{first.pk}/files/{record.pk}/"
    prices = page.get_by_test_id("bid-prices").inner_text()
    assert "希沃" in prices and "交互式智能平板" in prices and "372,000.00" in prices
    assert page.get_by_test_id("scoring-form").is_visible()
    page.wait_for_timeout(1500)  # the PDF viewer draws the page
    screenshot("01-scoring-with-documents")

    # The expert gives a compliance verdict and scores, with the documents open.
    page.get_by_test_id("compliance-form").locator("button").click()
    page.wait_for_load_state("load")
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")
    page.get_by_test_id(f"score-{first.pk}-1").fill("40")
    page.get_by_test_id(f"score-{first.pk}-2").fill("12.5")
    page.get_by_test_id(f"score-save-{first.pk}").click()
    page.wait_for_load_state("load")
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")
    assert re.search(r"/procurement/bids/\d+/documents/", page.url)  # still beside the bid
    assert sorted(Score.objects.filter(bid=first, expert=expert)
                  .values_list("points", flat=True)) == [Decimal("12.5"), Decimal("40")]
    page.wait_for_timeout(1500)
    screenshot("02-scored")

    # Every reading is recorded: the page (prices, declarations) and the file in the viewer.
    reads = AuditEvent.objects.filter(action="bid.file_access", actor=expert)
    assert reads.filter(detail__file=record.pk).exists()
    assert reads.filter(detail__file=None).count() >= 3
    # Another supplier never reads it.
    page.context.clear_cookies()
    other = factories.staff_of(bids[1].supplier)
    login(page, live_server, other.username, PASSWORD)
    assert page.goto(f"{live_server.url}/procurement/bids/{first.pk}/files/{record.pk}/"
                     ).status == 404
