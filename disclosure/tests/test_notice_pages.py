"""The notices' own pages, the changes a clarification makes, and every publication's print
view and PDF — for anyone, logged in or not."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints.models import BadBehaviourListing
from disclosure.amendments import diff, versions
from disclosure.indexing import index
from disclosure.models import Publication
from procurement.announcements import render_clarification
from procurement.models import Announcement
from procurement.tests.factories import LotFactory, ProjectFactory, bidders, open_bids
from rules.registry import rule

from .test_sources import _listing, _penalty, supplier

pytestmark = pytest.mark.django_db


def _tender(project) -> Announcement:
    return project.announcements.get(kind=Announcement.Kind.TENDER)


def _clarify(project, text, *, new_deadline=None, days=1) -> Announcement:
    """A clarification as ``announcement_clarify`` writes it (the deadline moved on the
    project too)."""
    now = project.announced_at + dt.timedelta(days=days)
    if new_deadline:
        project.bid_deadline = new_deadline
        project.save(update_fields=["bid_deadline"])
    title, body, fields = render_clarification(
        project, text, new_deadline, rule("tender.clarification_notice")
        if new_deadline else None, now=now)
    return Announcement.objects.create(project=project, kind=Announcement.Kind.CLARIFICATION,
                                       title=title, body=body, fields=fields,
                                       published_at=now, moves_deadline_to=new_deadline)


# --------------------------------------------------------------- the diff


def test_diff_marks_the_words_that_changed():
    lines = diff("项目名称：办公设备采购\n预算金额：100,000.00元\n联系人：李爱丽",
                 "项目名称：办公设备采购\n预算金额：120,000.00元\n联系人：李爱丽")
    changed = [line for line in lines if line.op == "replace"]
    assert len(changed) == 1
    parts = changed[0].parts
    assert ("delete", "100,000.00") in parts or any(
        op == "delete" and "100" in text for op, text in parts)
    assert any(op == "insert" and "120" in text for op, text in parts)
    assert all("预算金额" not in text for op, text in parts if op != "equal")


def test_a_clarification_moving_the_deadline_shows_old_and_new_text(client):
    project = ProjectFactory(announced=True)
    tender = _tender(project)
    old = timezone.localtime(project.bid_deadline).strftime("%Y年%m月%d日")
    moved = project.bid_deadline + dt.timedelta(days=9)
    clarification = _clarify(project, "第1包技术要求中的“i5处理器”更正为“i7处理器”。",
                             new_deadline=moved)
    found = versions(project)
    assert [v.number for v in found] == [0, 1]
    assert found[0].text == tender.body
    new = timezone.localtime(moved).strftime("%Y年%m月%d日")
    assert new in found[1].text and "i7处理器" in found[1].text

    page = client.get(f"/notices/{clarification.pk}/changes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="added"' in html and 'data-testid="removed"' in html
    removed = html.split('data-testid="removed">')[1].split("</del>")[0]
    added = html.split('data-testid="added">')[1].split("</ins>")[0]
    assert removed in old and added in new and removed != added
    assert "i7处理器" in html  # the clarification's own text, added
    # The tender's page links to its changes; the clarification's too.
    assert f"/notices/{tender.pk}/changes/" in client.get(f"/notices/{tender.pk}/").content.decode()
    detail = client.get(f"/notices/{clarification.pk}/").content.decode()
    assert f"/notices/{clarification.pk}/changes/" in detail


def test_each_clarification_is_a_version_of_its_own(client):
    project = ProjectFactory(announced=True)
    _clarify(project, "第一次澄清：交货地点为许昌市第一中学。", days=1)
    second = _clarify(project, "第二次澄清：质保期为三年。", days=2)
    found = versions(project)
    assert len(found) == 3
    assert "第一次澄清" in found[1].text and "第二次澄清" not in found[1].text
    html = client.get(f"/notices/{second.pk}/changes/").content.decode()
    assert "第二次澄清" in html.split('data-testid="change-2"')[1]
    tender_page = client.get(f"/notices/{_tender(project).pk}/changes/").content.decode()
    assert 'data-testid="change-1"' in tender_page and 'data-testid="change-2"' in tender_page


# --------------------------------------------------------------- the notices' own pages


def test_opening_page_is_404_before_the_opening_and_shows_the_table_after(client):
    lot = LotFactory(bidding=True, bids=0)
    bidders(lot, 3, opened=False, name="开标页")
    assert client.get(f"/notices/openings/{lot.pk}/").status_code == 404
    open_bids(lot)
    index(lot)
    page = client.get(f"/notices/openings/{lot.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="opening-table"' in html and "开标页1" in html
    assert 'data-testid="print-link"' in html


def test_penalty_and_listing_pages_show_while_public(client):
    penalty = _penalty(supplier("页面受罚"))
    assert client.get(f"/notices/penalties/{penalty.pk}/").status_code == 200
    now = timezone.now()
    listing = _listing(supplier("页面名单"), start=now - dt.timedelta(days=1),
                       end=now + dt.timedelta(days=30))
    assert "页面名单" in client.get(f"/notices/bad-behaviour/{listing.pk}/").content.decode()
    BadBehaviourListing.objects.filter(pk=listing.pk).update(lifted_at=now)
    assert client.get(f"/notices/bad-behaviour/{listing.pk}/").status_code == 404


# --------------------------------------------------------------- print and PDF


def _publication(record) -> Publication:
    index(record)
    return Publication.objects.get(source_type=ContentType.objects.get_for_model(type(record)),
                                   source_id=record.pk)


def test_print_view_and_pdf_answer_a_logged_out_visitor(client):
    project = ProjectFactory(announced=True)
    tender = _tender(project)
    publication = _publication(tender)
    page = client.get(f"/notices/p/{publication.pk}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    assert tender.title in html and project.code in html
    assert f"http://testserver/notices/{tender.pk}/" in html  # the stable address
    assert project.purchaser.name in html                     # the publisher
    detail = client.get(f"/notices/{tender.pk}/").content.decode()
    assert f"/notices/p/{publication.pk}/print/" in detail
    assert f"/notices/p/{publication.pk}/pdf" in detail

    pdf = client.get(f"/notices/p/{publication.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert project.code in text
    assert project.title[:4] in text


def test_print_and_pdf_of_an_opening_result(client):
    lot = LotFactory(opened=True)
    publication = _publication(lot)
    assert publication.kind == "opening"
    assert client.get(f"/notices/p/{publication.pk}/print/").status_code == 200
    pdf = client.get(f"/notices/p/{publication.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_print_and_pdf_are_404_for_a_publication_that_does_not_exist(client):
    assert client.get("/notices/p/987654321/print/").status_code == 404
    assert client.get("/notices/p/987654321/pdf").status_code == 404


def test_print_is_404_once_the_record_is_not_public_even_before_the_index_knows(client):
    now = timezone.now()
    listing = _listing(supplier("撤下名单"), start=now - dt.timedelta(days=1),
                       end=now + dt.timedelta(days=30))
    publication = _publication(listing)
    assert client.get(f"/notices/p/{publication.pk}/print/").status_code == 200
    BadBehaviourListing.objects.filter(pk=listing.pk).update(lifted_at=now)
    assert client.get(f"/notices/p/{publication.pk}/print/").status_code == 404
    assert client.get(f"/notices/p/{publication.pk}/pdf").status_code == 404


def test_a_print_view_is_kept_until_the_portal_changes_and_printed_now(
        client, django_assert_num_queries, django_capture_on_commit_callbacks):
    """A notice's printable text is kept under the portal version: read again without a
    query, shown anew once the notice changes (its re-indexing changes the version); the
    time of printing is each request's own."""
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(announced=True)
    tender = _tender(project)
    publication = _publication(tender)
    url = f"/notices/p/{publication.pk}/print/"
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        kept = client.get(url)
    assert kept.context["printed_at"] > publication.published_at
    tender.title = f"{tender.title}（更正打印）"
    with django_capture_on_commit_callbacks(execute=True):
        tender.save()
    assert "（更正打印）" in client.get(url).content.decode()
