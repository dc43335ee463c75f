"""The inquiries and challenges pages, for each role and in both languages, on a tender
running by the real clock."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Challenge, Inquiry
from conftest import org_of
from procurement.models import Announcement, DocumentDownload
from procurement.tests.factories import simple_pdf

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tender(live_tender, bob):
    DocumentDownload.objects.create(project=live_tender, supplier=org_of(bob), user=bob,
                                    at=timezone.now())
    return live_tender


def challenge_post(**overrides):
    data = {"trigger": "documents", "contact_name": "张博", "contact_phone": "13800000000",
            "idempotency_key": "page-1",
            "objections-TOTAL_FORMS": "3", "objections-INITIAL_FORMS": "0",
            "objections-MIN_NUM_FORMS": "0", "objections-MAX_NUM_FORMS": "20",
            "objections-0-relates_to": "documents",
            "objections-0-legal_ground": "政府采购法第二十二条",
            "objections-0-facts": "招标文件要求本市业绩，排斥外地供应商。",
            "objections-0-remedy_requested": "删除本地业绩要求",
            "files": SimpleUploadedFile("证据.pdf", simple_pdf("evidence"),
                                        content_type="application/pdf")}
    data.update(overrides)
    return data


def test_the_supplier_sees_its_windows_on_the_notice_page_in_both_languages(tender, bob,
                                                                            alice):
    notice = Announcement.objects.get(project=tender, kind="tender")
    url = reverse("disclosure:notice-detail", args=[notice.pk])
    zh = client_for(bob).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="challenge-windows-panel"' in zh and "质疑" in zh
    en = client_for(bob).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your challenge windows" in en
    # Not for the purchaser: it has no window of its own.
    assert "challenge-windows-panel" not in client_for(alice).get(url).content.decode()


def test_a_challenge_through_the_pages(tender, bob, alice, charlie):
    page = client_for(bob)
    form = page.get(reverse("complaints:challenge-create", args=[tender.pk]))
    assert form.status_code == 200 and b'data-testid="objection-row-1"' in form.content
    response = page.post(reverse("complaints:challenge-create", args=[tender.pk]),
                         challenge_post())
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and response["Location"] == \
        challenge.get_absolute_url()
    assert challenge.evidence.count() == 1
    detail = page.get(challenge.get_absolute_url()).content.decode()
    assert challenge.number in detail and 'data-testid="withdraw"' in detail

    assert client_for(charlie).get(challenge.get_absolute_url()).status_code == 404
    evidence_url = reverse("complaints:challenge-evidence",
                           args=[challenge.pk, challenge.evidence.get().pk])
    download = client_for(alice).get(evidence_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(charlie).get(evidence_url).status_code == 404
    queue = client_for(alice).get(reverse("complaints:challenge-list")).content.decode()
    assert challenge.number in queue

    staff = client_for(alice)
    r = staff.post(reverse("complaints:challenge-message", args=[challenge.pk]),
                   {"party": org_of(bob).pk, "body": "请补充证明材料。"})
    assert r.status_code == 302
    assert "请补充证明材料。" in page.get(challenge.get_absolute_url()).content.decode()
    r = staff.post(reverse("complaints:challenge-may-change-result", args=[challenge.pk]))
    assert r.status_code == 302
    answer_url = reverse("complaints:challenge-answer", args=[challenge.pk])
    assert staff.get(answer_url).status_code == 200
    assert page.get(answer_url).status_code == 404  # the challenger does not answer
    o = challenge.objections.get()
    refused = staff.post(answer_url, {"summary": "答复如下。", "remedy": "none",
                                      f"decision_{o.pk}": "dismissed"})
    assert refused.status_code == 400
    r = staff.post(answer_url, {"summary": "经审查，质疑不成立。", "remedy": "none",
                                f"decision_{o.pk}": "dismissed",
                                f"answer_{o.pk}": "本地业绩要求已在更正公告中删除。"})
    assert r.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "answered"

    public = Client().get(reverse("complaints:challenge-answer-public-list")).content.decode()
    assert challenge.number in public
    shown = Client().get(reverse("complaints:challenge-answer-public",
                                 args=[challenge.pk])).content.decode()
    assert "本地业绩要求已在更正公告中删除。" in shown
    assert "13800000000" not in shown and "证据.pdf" not in shown


def test_a_refused_challenge_keeps_the_form_and_saves_nothing(tender, bob, charlie):
    r = client_for(bob).post(reverse("complaints:challenge-create", args=[tender.pk]),
                             challenge_post(**{"objections-0-relates_to": "",
                                               "objections-0-legal_ground": "",
                                               "objections-0-facts": "",
                                               "objections-0-remedy_requested": ""}))
    assert r.status_code == 400 and "objection" in r.content.decode().lower()
    r = client_for(charlie).post(reverse("complaints:challenge-create", args=[tender.pk]),
                                 challenge_post(), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "never obtained" in r.content.decode()
    assert not Challenge.objects.exists()


def test_reject_and_withdraw_through_the_pages(tender, bob, alice):
    page = client_for(bob)
    page.post(reverse("complaints:challenge-create", args=[tender.pk]), challenge_post())
    page.post(reverse("complaints:challenge-create", args=[tender.pk]),
              challenge_post(idempotency_key="page-2"))
    first, second = Challenge.objects.order_by("number")
    r = client_for(alice).post(reverse("complaints:challenge-reject", args=[first.pk]),
                               {"reason": "", "detail": "x"})
    assert r.status_code == 400
    r = client_for(alice).post(reverse("complaints:challenge-reject", args=[first.pk]),
                               {"reason": "no_facts", "detail": "未提供证明材料。"})
    assert r.status_code == 302
    r = page.post(reverse("complaints:challenge-withdraw", args=[second.pk]))
    assert r.status_code == 302
    assert set(Challenge.objects.values_list("status", flat=True)) == {"rejected",
                                                                       "withdrawn"}


def test_an_inquiry_through_the_pages(tender, bob, alice, charlie):
    page = client_for(bob)
    assert page.get(reverse("complaints:inquiry-create", args=[tender.pk])).status_code == 200
    r = page.post(reverse("complaints:inquiry-create", args=[tender.pk]),
                  {"question": "第3项技术参数是否允许偏离？"})
    inquiry = Inquiry.objects.get()
    assert r.status_code == 302
    assert client_for(charlie).get(inquiry.get_absolute_url()).status_code == 404
    staff = client_for(alice)
    assert "第3项技术参数" in staff.get(reverse("complaints:inquiry-list")).content.decode()
    r = staff.post(reverse("complaints:inquiry-answer", args=[inquiry.pk]), {"answer": ""})
    assert r.status_code == 400
    r = staff.post(reverse("complaints:inquiry-answer", args=[inquiry.pk]),
                   {"answer": "允许5%以内的偏离。"})
    assert r.status_code == 302
    assert "允许5%以内的偏离。" in page.get(inquiry.get_absolute_url()).content.decode()
    en = page.get(reverse("complaints:inquiry-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Inquiries" in en.content.decode()


def test_the_finance_bureau_reads_every_challenge_and_may_suspend(tender, bob, supervisor,
                                                                   charlie):
    client_for(bob).post(reverse("complaints:challenge-create", args=[tender.pk]),
                         challenge_post())
    challenge = Challenge.objects.get()
    bureau = client_for(supervisor)
    assert challenge.number in bureau.get(reverse("complaints:challenge-list")).content.decode()
    page = bureau.get(challenge.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="may-change-result"' in page and 'data-testid="answer-link"' not in page
    r = bureau.post(reverse("complaints:challenge-may-change-result", args=[challenge.pk]))
    assert r.status_code == 302
    challenge.refresh_from_db()
    assert challenge.may_change_result
    # An outsider's list is empty and its steps are 404.
    assert challenge.number not in client_for(charlie).get(
        reverse("complaints:challenge-list")).content.decode()
    assert client_for(charlie).post(reverse("complaints:challenge-withdraw",
                                            args=[challenge.pk])).status_code == 404
