"""Contract financing in the browser (春风行动 第26条): the winner applies to one bank,
ticking the consent; that bank sees the application, decides, disburses and records a
repayment; the winner follows it and the schedule on its contract's financing page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts import services as contract_services
from contracts.tests.fixtures import terms
from financing import services
from financing.models import FinancingApplication
from financing.tests.fixtures import T0, approve, bank_with_staff, save_offer
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


def test_the_supplier_applies_with_consent_and_the_bank_sees_it(
        reference, awarded, alice, winner_user, password, live_server, page, screenshot):
    icbc, banker = bank_with_staff("中国工商银行许昌魏都支行", "icbc")
    ccb, ccb_staff = bank_with_staff("中国建设银行许昌魏都支行", "ccb")
    offer = save_offer(icbc, banker)
    save_offer(ccb, ccb_staff, name="建行政采贷", percent="60")
    contract = contract_services.contract_draft(award=awarded, actor=alice, now=T0, **terms())
    for actor, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract_services.contract_sign(contract=contract, actor=actor, organization=org,
                                        pdf_sha256=contract.pdf_sha256, now=T0)

    login(page, live_server, winner_user.username, password)
    page.goto(f"{live_server.url}/financing/contracts/{contract.pk}/")
    page.select_option("select[name=offer]", str(offer.pk))
    page.fill("input[name=amount]", "300000")
    screenshot("supplier-apply")
    page.get_by_test_id("apply-submit").click()
    assert page.get_by_test_id("error-consent").is_visible()  # not without consent
    assert not FinancingApplication.objects.exists()
    page.check("input[name=consent]")
    page.get_by_test_id("apply-submit").click()
    page.wait_for_load_state("networkidle")
    application = FinancingApplication.objects.get()
    assert (application.bank, application.consent_by) == (icbc, winner_user)
    logout(page)

    # The other bank sees nothing; the bank applied to sees the award and the contract.
    login(page, live_server, ccb_staff.username, password)
    page.goto(f"{live_server.url}/financing/bank/")
    assert page.get_by_test_id("no-applications").is_visible()
    logout(page)
    login(page, live_server, banker.username, password)
    page.goto(f"{live_server.url}/financing/bank/")
    assert contract.number in page.get_by_test_id("application-table").inner_text()
    screenshot("bank-list")
    page.goto(f"{live_server.url}/financing/bank/{application.pk}/")
    assert page.get_by_test_id("contract-number").inner_text() == contract.number
    screenshot("bank-detail")
    approve(application, banker, now=timezone.now())
    today = timezone.localdate()
    services.financing_disburse(
        application=application, bank=icbc, actor=banker, amount=Decimal("300000"),
        schedule=[{"due_date": today + dt.timedelta(days=90 * i), "amount": Decimal("100000")}
                  for i in (1, 2, 3)])
    page.goto(f"{live_server.url}/financing/bank/{application.pk}/")
    first = application.repayments.first()
    page.get_by_test_id(f"repay-{first.pk}").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    assert first.paid_at is not None
    screenshot("bank-detail-disbursed")
    page.goto(f"{live_server.url}/financing/bank/offers/")
    screenshot("bank-offers")
    logout(page)

    login(page, live_server, winner_user.username, password)
    page.goto(f"{live_server.url}/financing/contracts/{contract.pk}/")
    assert page.get_by_test_id("repayment-table").locator("tr").count() == 4
    screenshot("supplier-disbursed")
    page.goto(f"{live_server.url}/financing/")
    assert contract.number in page.get_by_test_id("financing-contracts").inner_text()
    screenshot("supplier-index")
