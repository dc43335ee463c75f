"""From the award to the last payment, through the pages only: the purchaser drafts the
contract, both sides sign it, the purchaser publishes and files it, the supplier delivers
and asks for acceptance, the purchaser accepts, the supplier uploads the invoice and the
purchaser pays it. Each statutory clock is seen to open on the contract page when its
step makes it run, and to be met on time when the next step is done.

The award is confirmed through the services (the award journey walks that in the
browser) at the real time, so that every clock runs from today."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone, translation

from contracts.models import Contract
from contracts.tests.fixtures import award_lot
from deadlines.models import Deadline
from procurement.models import Announcement
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "许昌市魏都区第一实验学校"
ACCOUNT = "6230000000000001"
CLOCKS = ["contract.sign", "contract.publish", "contract.file", "acceptance.organise",
          "payment.after_invoice"]


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


def _click(page, testid):
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("load")


def _clock(page, clock):
    return page.get_by_test_id(f"clock-{clock}")


def _expect_open(page, clock):
    text = _clock(page, clock).inner_text()
    assert "进行中" in text, text
    return text


def _expect_met(page, clock):
    text = _clock(page, clock).inner_text()
    assert "按时完成" in text, text


def _status(page, status):
    with translation.override("zh-hans"):
        label = str(status.label)
    assert page.get_by_test_id("contract-status").inner_text() == label


def test_award_to_payment_through_the_pages(reference, opened, alice, password, live_server,
                                           page, screenshot, tmp_path):
    url = live_server.url
    lot, _bidders = opened
    award = award_lot(lot, alice, now=timezone.now())
    winner = award.bid.supplier.memberships.get().user
    amount = f"{award.amount:,.2f}"

    # The purchaser goes from the evaluation page to the draft, with the signing clock
    # already running on the award.
    login(page, live_server, alice.username, password)
    page.goto(f"{url}/procurement/lots/{lot.pk}/evaluation/")
    _click(page, "draft-contract-link")
    form = page.get_by_test_id("draft-form")
    form.locator("#id_delivery_place").fill(PLACE)
    form.locator("#id_delivery_deadline").fill(
        (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    form.locator("#id_milestones-0-title").fill("到货安装")
    form.locator("#id_milestones-0-due_date").fill(
        (timezone.localdate() + dt.timedelta(days=20)).isoformat())
    form.locator("#id_payment_term").fill("2")
    form.locator("#id_payment_term_unit").select_option("workdays")
    form.locator("input[name=secret_fields][value=unit_prices]").check()
    form.locator("#id_payee_name").fill(award.bid.supplier.name)
    form.locator("#id_payee_bank").fill("许昌银行魏都支行")
    form.locator("#id_payee_account").fill(ACCOUNT)
    screenshot("01-draft-form")
    _click(page, "draft-submit")
    contract = Contract.objects.get(award=award)
    assert page.url.endswith(contract.get_absolute_url())
    _status(page, Contract.Status.DRAFT)
    assert page.get_by_test_id("amount").inner_text().startswith(amount)
    _expect_open(page, "contract.sign")
    assert "春风行动 第18条" in _clock(page, "contract.sign").inner_text()
    sha = page.get_by_test_id("pdf-sha256").inner_text()
    assert sha == contract.pdf_sha256

    # The PDF the two sides sign is the one the page names.
    pdf_url = page.get_by_test_id("pdf-link").get_attribute("href")
    body = page.request.get(f"{url}{pdf_url}").body()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == sha

    _click(page, "sign")
    assert alice.display_name in page.get_by_test_id("signatures").inner_text()
    _expect_open(page, "contract.sign")  # one side only
    screenshot("02-purchaser-signed")
    logout(page)

    # The winner finds it in the contract list and signs; the signing clock is met and
    # the publication and filing clocks open.
    login(page, live_server, winner.username, password)
    page.goto(f"{url}/contracts/")
    row = page.get_by_test_id("contract-table").locator("tbody tr", has_text=contract.number)
    row.get_by_role("link", name=contract.title).click()
    page.wait_for_load_state("load")
    _click(page, "sign")
    _status(page, Contract.Status.SIGNED)
    _expect_met(page, "contract.sign")
    _expect_open(page, "contract.publish")
    _expect_open(page, "contract.file")
    screenshot("03-both-signed")
    logout(page)

    # The purchaser publishes (the notice and the public PDF for anyone) and files.
    login(page, live_server, alice.username, password)
    page.goto(f"{url}{contract.get_absolute_url()}")
    _click(page, "publish")
    _expect_met(page, "contract.publish")
    _click(page, "file")
    _expect_met(page, "contract.file")
    assert page.get_by_test_id("public-pdf-link").is_visible()
    screenshot("04-published-filed")
    logout(page)

    notice = Announcement.objects.get(kind=Announcement.Kind.CONTRACT, project=lot.project)
    page.goto(f"{url}{notice.get_absolute_url()}")
    public = page.inner_text("main")
    assert contract.number in public and ACCOUNT not in public
    screenshot("05-public-notice")

    # The winner delivers and asks for acceptance; the purchaser's clock opens.
    login(page, live_server, winner.username, password)
    page.goto(f"{url}{contract.get_absolute_url()}")
    milestone = contract.milestones.get()
    done = page.get_by_test_id(f"milestone-done-{milestone.pk}")
    done.locator("[name=note]").fill("60台已到货并安装调试")
    done.get_by_role("button").click()
    page.wait_for_load_state("load")
    assert "60台已到货并安装调试" in page.get_by_test_id("milestones").inner_text()
    request = page.get_by_test_id("acceptance-request-form")
    request.locator("[name=note]").fill("已全部交付，请组织验收")
    _click(page, "acceptance-request")
    assert "已全部交付，请组织验收" in page.get_by_test_id("acceptance").inner_text()
    _expect_open(page, "acceptance.organise")
    screenshot("06-acceptance-requested")
    logout(page)

    # The purchaser records the acceptance: the clock is met, the contract accepted.
    login(page, live_server, alice.username, password)
    page.goto(f"{url}{contract.get_absolute_url()}")
    record = page.get_by_test_id("acceptance-record-form")
    record.locator("input[name=result][value=passed]").check()
    record.locator("[name=items_checked]").fill("交互式智能平板60台，逐台通电检测")
    record.locator("[name=members]").fill("李爱丽\n韩雪\n王磊")
    screenshot("06b-acceptance-form")
    _click(page, "acceptance-record")
    _status(page, Contract.Status.ACCEPTED)
    _expect_met(page, "acceptance.organise")
    assert "李爱丽、韩雪、王磊" in page.get_by_test_id("acceptance").inner_text()
    logout(page)

    # The winner uploads the invoice; the payment clock opens, with the SME interest line.
    invoice_file = tmp_path / "fapiao.pdf"
    invoice_file.write_bytes(b"%PDF-1.7\n%%EOF\n")
    login(page, live_server, winner.username, password)
    page.goto(f"{url}{contract.get_absolute_url()}")
    invoice = page.get_by_test_id("invoice-form")
    invoice.locator("[name=number]").fill("No.41000001")
    invoice.locator("[name=amount]").fill(str(contract.amount))
    invoice.locator("[name=file]").set_input_files(str(invoice_file))
    _click(page, "invoice-submit")
    assert page.get_by_test_id("invoice-No.41000001").is_visible()
    _expect_open(page, "payment.after_invoice")
    assert page.get_by_test_id("interest-No.41000001").inner_text().strip() in ("0.00", "—")
    screenshot("07-invoice")
    logout(page)

    # The purchaser pays the whole amount into the agreed account: paid, clock met.
    login(page, live_server, alice.username, password)
    page.goto(f"{url}{contract.get_absolute_url()}")
    assert ACCOUNT in page.get_by_test_id("collection-account").inner_text()
    payment = page.get_by_test_id("payment-form")
    assert "No.41000001" in payment.locator("[name=invoice] option:checked").inner_text()
    payment.locator("[name=amount]").fill(str(contract.amount))
    payment.locator("[name=voucher]").fill("PZ-2026-0001")
    _click(page, "payment-record")
    _status(page, Contract.Status.PAID)
    _expect_met(page, "payment.after_invoice")
    assert page.get_by_test_id("paid-total").inner_text().startswith(amount)
    screenshot("08-paid")

    # Every clock of the contract was opened and met on time, and the ledger says paid.
    clocks = {d.clock: d for d in Deadline.objects.filter(clock__in=CLOCKS)}
    assert sorted(clocks) == sorted(CLOCKS)
    assert all(d.status == Deadline.Status.MET and d.met_on_time for d in clocks.values())
    page.goto(f"{url}/contracts/ledger/")
    row = page.get_by_test_id("ledger-table").locator("tbody tr", has_text=contract.number)
    with translation.override("zh-hans"):
        assert str(Contract.Status.PAID.label) in row.inner_text()
    screenshot("09-ledger")
