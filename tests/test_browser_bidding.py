"""Three suppliers bid online at no cost; the bids stay sealed; the lot opens at the
deadline and the opening table appears to the purchaser and the bidders."""

import datetime as dt

import pytest
from django.utils import timezone

from demo.data import PASSWORD
from demo.live import LIVE_TITLE
from procurement.models import Bid, Project
from procurement.tasks import open_project_at_deadline
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n"


def test_three_suppliers_bid_and_the_lot_opens(demo, live_server, page, screenshot):
    url = live_server.url
    # The demo's tender open for weeks (not the one that opens minutes after the seed).
    project = Project.objects.exclude(title=LIVE_TITLE).get(status="announced")
    notice = project.announcements.get(kind="tender")
    prices = {"gys3": "1120000.00", "gys7": "1098000.50", "gys8": "1135000.00"}
    for username, price in prices.items():
        login(page, live_server, username, PASSWORD)
        page.goto(f"{url}{notice.get_absolute_url()}")
        page.get_by_test_id("obtain-documents").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".alert-success").count() == 1  # obtained, free
        page.get_by_test_id("bid-lot-1").click()
        page.fill("#id_price", price)
        page.fill("#id_brand", "迈瑞")
        page.fill("#id_model", "BS-240")
        page.select_option("#id_sme_scale", "medium" if username != "gys8" else "small")
        page.check("#id_sme_items_by_smes")
        page.set_input_files("#id_files", files=[
            {"name": "投标文件.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        if username == "gys3":
            screenshot("1-bid-form")
        page.get_by_test_id("bid-submit").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("receipt-hash").inner_text() == \
            Bid.objects.get(lot__project=project,
                            supplier__memberships__user__username=username).receipt_sha256
        if username == "gys3":
            screenshot("2-receipt")
        logout(page)

    # Sealed: the purchaser sees neither prices nor how many bids there are.
    login(page, live_server, "wjw_jb", PASSWORD)
    page.goto(f"{url}/procurement/lots/{project.lots.get().pk}/opening/")
    body = page.inner_text("body")
    assert "1,120,000.00" not in body and "迈瑞" not in body
    screenshot("3-sealed")

    # The deadline passes (moved, since the world's clock cannot be).
    Project.objects.filter(pk=project.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    open_project_at_deadline(project.pk)  # what the worker runs at the deadline (its ETA)
    page.goto(f"{url}{project.get_absolute_url()}")
    page.goto(f"{url}/procurement/lots/{project.lots.get().pk}/opening/")
    table = page.get_by_test_id("opening-table").inner_text()
    for price in ("1,120,000.00", "1,098,000.50", "1,135,000.00"):
        assert price in table
    screenshot("4-opening-table")
    logout(page)

    # A bidder sees the same table from its receipt.
    login(page, live_server, "gys7", PASSWORD)
    page.goto(f"{url}/procurement/bids/")
    page.get_by_text(project.title).click()
    assert "1,135,000.00" in page.get_by_test_id("opening-table").inner_text()
    screenshot("5-bidder-sees-table")
