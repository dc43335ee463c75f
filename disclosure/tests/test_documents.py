"""The procurement documents are public with the tender: on its page and as a PDF, for
anyone, logged in or not, with the budget (条例 第30条; 春风行动 第11条)."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from procurement.models import Announcement
from procurement.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    project = ProjectFactory(announced=True)
    demand = project.demand
    demand.technical_requirements = "整车须具备负压隔离舱，满足卫生行业标准。"
    demand.save(update_fields=["technical_requirements"])
    return Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)


def test_the_tender_page_shows_the_documents_and_budget(tender):
    page = Client().get(tender.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="procurement-documents"' in html
    assert "负压隔离舱" in html
    lot = tender.project.lots.get()
    item = lot.items.first()
    assert item.name in html and item.catalog_item.code in html
    assert f"{tender.project.budget:,.2f}" in html


def test_the_documents_pdf_is_public_and_in_chinese(tender):
    response = Client().get(f"/notices/{tender.pk}/documents.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "采购文件" in text and tender.project.code in text
    assert "负压隔离舱" in text


def test_a_notice_without_documents_has_no_pdf(tender):
    result = Announcement.objects.create(project=tender.project, kind="cancellation",
                                         title="终止公告", body="终止。",
                                         published_at=tender.published_at)
    assert Client().get(f"/notices/{result.pk}/documents.pdf").status_code == 404
    assert Client().get("/notices/999999/documents.pdf").status_code == 404


def test_the_particulars_list_the_lots_and_items_in_words_not_raw_values(tender):
    html = Client().get(tender.get_absolute_url()).content.decode()
    lot = tender.project.lots.get()
    item = lot.items.first()
    assert f"第{lot.number}包 {lot.title}：预算{lot.budget:,.2f}元" in html
    assert f"最高限价{lot.ceiling_price:,.2f}元" in html
    line = f"{item.name} {item.quantity.normalize():f}{item.unit}（品目 {item.catalog_item.code}）"
    assert line in html
    assert "; whole;" not in html and "；whole；" not in html
