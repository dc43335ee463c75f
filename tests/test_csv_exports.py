"""CSV exports neutralise spreadsheet formulas (OWASP "CSV injection"): a cell whose
text a spreadsheet would evaluate gets a leading apostrophe, so a supplier that
registers as =HYPERLINK(...) shows as text in the finance officer's Excel."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from contracts.tests.fixtures import award_lot
from core.csv import safe_cell

EVIL_SUPPLIER = '=HYPERLINK("http://x","点我")'
EVIL_PURCHASER = "@SUM(1+1)*cmd|' /C calc'!A0"


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_a_supplier_named_as_a_formula_is_escaped_in_the_ledger_csv(
        opened, alice, supervisor, purchaser_org, django_capture_on_commit_callbacks):
    lot, bidders = opened
    # Names as a hostile registrant could type them (the service keeps them verbatim).
    Organization.objects.filter(pk__in=[b.pk for b in bidders]).update(name=EVIL_SUPPLIER)
    Organization.objects.filter(pk=purchaser_org.pk).update(name=EVIL_PURCHASER)
    with django_capture_on_commit_callbacks(execute=True):  # the ledger row, on commit
        award = award_lot(lot, alice)

    for user in (alice, supervisor):  # the unit's own ledger and supervision's
        client = Client()
        client.force_login(user)
        header, row = _rows(client.get(reverse("contracts:ledger"), {"format": "csv"}))
        assert len(header) == len(row)
        assert "'" + EVIL_SUPPLIER in row
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header + row)
        # Amounts are still plain numbers a spreadsheet can add up.
        assert f"{award.amount:.2f}" in row
    assert "'" + EVIL_PURCHASER in row  # supervision's export names the purchaser


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"])
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["许昌华信科技有限公司", "", "a=b", "'=already text"])
def test_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_we_render_stay_numbers():
    # A negative amount is a number to the spreadsheet, not a formula it runs.
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""


def test_lazy_translations_are_rendered_and_checked():
    cell = safe_cell(gettext_lazy("Supplier"))
    assert type(cell) is str and cell == str(gettext_lazy("Supplier"))
