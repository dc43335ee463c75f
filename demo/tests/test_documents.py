"""The demo's bid documents are real PDFs the committee's viewer can show."""

import subprocess

import pytest

from accounts.tests.factories import SupplierFactory
from demo.documents import bid_document
from procurement.tests.factories import LotFactory

pytestmark = pytest.mark.django_db


def test_a_demo_bid_document_is_a_readable_chinese_pdf(tmp_path):
    lot = LotFactory()
    supplier = SupplierFactory(name="许昌演示科技有限公司")
    data = bid_document(lot=lot, supplier=supplier,
                        item={"name": "台式计算机", "quantity": "80"}, price=512000)
    assert data.startswith(b"%PDF")
    path = tmp_path / "bid.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "投标函" in text and "许昌演示科技有限公司" in text and "512,000.00" in text
