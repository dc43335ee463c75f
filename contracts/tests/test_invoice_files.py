"""Invoice files: stored only once the invoice is accepted, under a name of our own (never
the invoice number or the uploaded file's name), and checked like every other upload."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from contracts import services
from contracts.models import Invoice
from contracts.services import payments
from contracts.tests.fixtures import AWARDED_AT
from core.exceptions import DomainError

pytestmark = pytest.mark.django_db

T0 = AWARDED_AT + dt.timedelta(hours=1)
PDF = b"%PDF-1.7\n%%EOF\n"
ISSUED = dt.date(2026, 3, 24)


@pytest.fixture
def private(tmp_path, monkeypatch) -> Path:
    """The invoice files' storage, this test's own: the field resolved its storage when
    the model was loaded, before any settings fixture could move it."""
    root = tmp_path / "private-invoices"
    monkeypatch.setattr(Invoice._meta.get_field("file"), "storage",
                        FileSystemStorage(location=root))
    return root


def stored_invoices(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def submit(contract, user, number="No.0001", amount="1000", data=PDF, name="fp.pdf"):
    return services.invoice_submit(contract=contract, actor=user, number=number,
                                   amount=Decimal(amount), issued_on=ISSUED, file_name=name,
                                   file_data=data, now=T0)


def test_a_duplicate_invoice_number_leaves_no_orphan_file(signed, winner_user, private):
    first = submit(signed, winner_user)
    assert stored_invoices(private) == [Path(first.file.path)]
    with pytest.raises(DomainError) as exc:
        submit(signed, winner_user, data=PDF + b"\n")
    assert exc.value.field == "number"
    assert stored_invoices(private) == [Path(first.file.path)]
    assert Invoice.objects.count() == 1


def test_a_step_failing_after_the_row_leaves_no_file(signed, winner_user, private,
                                                    monkeypatch):
    def broken(*args, **kwargs):
        raise DomainError("the inbox is down")

    # Telling the purchaser is the step's last write before the file.
    monkeypatch.setattr(payments, "tell", broken)
    with pytest.raises(DomainError):
        submit(signed, winner_user)
    assert stored_invoices(private) == []
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("number", ["../../../etc/passwd", "No.41/0001", "..", "发票 No.1",
                                    "C:\\x"])
def test_the_invoice_number_never_becomes_a_path(signed, winner_user, private, number):
    invoice = submit(signed, winner_user, number=number, name="../../公司/发票.pdf")
    invoice.refresh_from_db()
    assert invoice.number == number and invoice.file_name == "../../公司/发票.pdf"
    parts = Path(invoice.file.name).parts
    assert parts[:2] == ("invoices", str(signed.pk)) and len(parts) == 3
    assert number not in invoice.file.name and "发票" not in invoice.file.name
    assert stored_invoices(private) == [Path(invoice.file.path)]
    assert invoice.file.read() == PDF


def test_an_invoice_number_with_a_path_in_it_is_accepted_on_the_page(signed, winner_user,
                                                                     private):
    client = Client()
    client.force_login(winner_user)
    response = client.post(reverse("contracts:invoice-submit", args=[signed.pk]), {
        "number": "../../No.0001", "amount": "1000", "issued_on": ISSUED.isoformat(),
        "file": SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    download = client.get(reverse("contracts:invoice-file", args=[signed.pk, invoice.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert "filename*=utf-8''%E5%8F%91%E7%A5%A8.pdf" in download["Content-Disposition"]


def test_a_refused_invoice_file_stores_nothing(signed, winner_user, private):
    polyglot = b"%PDF-1.7\n" + b"MZ" + b"\x00" * 58 + b"\x80\x00\x00\x00" + b"\x00" * 64 \
        + b"PE\x00\x00" + b"\x00" * 64 + b"\n%%EOF\n"
    with pytest.raises(DomainError) as exc:
        submit(signed, winner_user, data=polyglot, name="发票.pdf")
    assert exc.value.code == "file_executable" and exc.value.field == "file"
    assert "发票.pdf" in str(exc.value)
    assert stored_invoices(private) == [] and not Invoice.objects.exists()
