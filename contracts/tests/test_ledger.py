"""The ledger (台账): its row is written after the award commits (procurement's
``award_confirmed``), and what moves later — overdue clocks, payments, the contract's
status — is read live by ``selectors.ledger_of``, on the page, in its CSV and through
/api/ledger/, with no sync call in between."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from contracts import services
from contracts.models import LedgerRow
from contracts.selectors import ledger_of
from contracts.tests.fixtures import AWARDED_AT, SIGNED_AT, award_lot, terms
from deadlines.models import Deadline
from deadlines.services import deadlines_sweep
from procurement.models import Award
from procurement.signals import award_confirmed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def awarded(opened, alice, django_capture_on_commit_callbacks):
    """The awarded lot, its events delivered as after the award's commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return award_lot(opened[0], alice)


def row_of(award, **kwargs):
    return ledger_of(organization=award.lot.project.purchaser, **kwargs).get(award=award)


def client_for(user, api=False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def csv_rows(client) -> list[list[str]]:
    response = client.get(reverse("contracts:ledger"), {"format": "csv"})
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_row_is_written_once_the_award_has_committed(opened, alice,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        award = award_lot(opened[0], alice)
        # Inside the award's transaction nothing outside procurement has run yet.
        assert not LedgerRow.objects.filter(award=award).exists()
    for callback in callbacks:
        callback()
    row = LedgerRow.objects.get(award=award)
    assert (row.project_code, row.award_amount, row.awarded_at) == (
        award.lot.project.code, award.amount, award.confirmed_at)
    services.ledger_row_open(award=award)  # safe to run twice
    assert LedgerRow.objects.filter(award=award).count() == 1


def test_a_failing_receiver_does_not_undo_the_award(opened, alice,
                                                     django_capture_on_commit_callbacks):
    """As a bank's offers once could (post_save inside the award's transaction)."""
    def broken(sender, award, **kwargs):
        raise RuntimeError("another app is down")

    award_confirmed.connect(broken, dispatch_uid="test.broken_receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            award = award_lot(opened[0], alice)  # no exception reaches the purchaser
    finally:
        award_confirmed.disconnect(dispatch_uid="test.broken_receiver")
    assert Award.objects.filter(pk=award.pk).exists()
    assert LedgerRow.objects.filter(award=award).exists()  # the other receivers ran


def test_a_clock_becoming_overdue_shows_in_the_ledger_without_a_sync(awarded, alice):
    """The signing clock runs on the award, no contract drafted yet."""
    signing = Deadline.objects.get(clock="contract.sign")
    assert row_of(awarded, now=AWARDED_AT).overdue_clocks == 0
    # Past its due time it counts as the contract page counts it, before any sweep…
    assert row_of(awarded, now=signing.due_at + dt.timedelta(hours=1)).overdue_clocks == 1
    # …and once the sweep has marked it overdue, whenever one looks.
    deadlines_sweep(now=signing.due_at + dt.timedelta(hours=1))
    signing.refresh_from_db()
    assert signing.status == Deadline.Status.OVERDUE
    assert row_of(awarded, now=AWARDED_AT).overdue_clocks == 1

    page = client_for(alice).get(reverse("contracts:ledger")).content.decode()
    assert 'class="table-danger"' in page
    api = client_for(alice, api=True).get(reverse("api:contract-ledger")).json()
    assert api["results"][0]["overdue_clocks"] == 1
    _header, row = csv_rows(client_for(alice))
    assert row[-1] == "1"  # the last column: overdue clocks


def test_a_payment_shows_in_the_ledger_without_a_sync(awarded, alice, winner_user):
    contract = services.contract_draft(award=awarded, actor=alice, now=SIGNED_AT, **terms())
    for actor, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=actor, organization=org,
                                          pdf_sha256=contract.pdf_sha256, now=SIGNED_AT)
    row = row_of(awarded)
    assert (row.status, row.contract_number, row.paid_total) == (
        "signed", contract.number, Decimal("0"))
    invoice = services.invoice_submit(
        contract=contract, actor=winner_user, number="F1", amount=Decimal("100000"),
        issued_on=SIGNED_AT.date(), file_name="fp.pdf", file_data=PDF, now=SIGNED_AT)
    services.payment_record(contract=contract, actor=alice, invoice=invoice,
                            amount=Decimal("60000"), paid_on=SIGNED_AT.date(), voucher="PZ-1",
                            now=SIGNED_AT)
    assert row_of(awarded).paid_total == Decimal("60000.00")
    api = client_for(alice, api=True).get(reverse("api:contract-ledger")).json()
    assert api["results"][0]["paid_total"] == "60000.00"
    assert api["results"][0]["contract"] == contract.pk
    _header, row = csv_rows(client_for(alice))
    assert (row[7], row[-3]) == (contract.number, "60000.00"), row


def test_the_ledger_is_filtered_by_its_filterset_everywhere(awarded, alice, supervisor):
    purchaser_api, finance_api = client_for(alice, api=True), client_for(supervisor, api=True)
    url = reverse("api:contract-ledger")
    assert purchaser_api.get(url, {"status": "awarded"}).json()["count"] == 1
    assert purchaser_api.get(url, {"status": "paid"}).json()["count"] == 0
    code = awarded.lot.project.code
    assert purchaser_api.get(url, {"q": code}).json()["count"] == 1
    assert purchaser_api.get(url, {"year": 2026}).json()["count"] == 1
    assert purchaser_api.get(url, {"year": 2025}).json()["count"] == 0
    refused = purchaser_api.get(url, {"status": "lost"})
    assert refused.status_code == 400 and "status" in refused.json()
    purchaser = awarded.lot.project.purchaser_id
    assert finance_api.get(url, {"purchaser": purchaser}).json()["count"] == 1
    assert finance_api.get(url, {"purchaser": 10**9}).status_code == 400
    # The page renders the same filters and ignores a value they refuse.
    page = client_for(alice).get(reverse("contracts:ledger"), {"status": "lost"})
    assert page.status_code == 200 and code in page.content.decode()
    assert 'name="status"' in page.content.decode()
    assert 'name="purchaser"' not in page.content.decode()  # the bureau's filter
    finance_page = client_for(supervisor).get(reverse("contracts:ledger")).content.decode()
    assert 'name="purchaser"' in finance_page
    empty = client_for(alice).get(reverse("contracts:ledger"), {"status": "paid"})
    assert code not in empty.content.decode()
