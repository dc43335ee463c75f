"""The inquiries and challenges API on a tender running by the real clock: every step
through the same services as the pages; refusals cite their basis; outsiders get 404."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Challenge, Inquiry
from conftest import org_of
from procurement.models import DocumentDownload
from procurement.tests.factories import simple_pdf

from .factories_challenges import objection

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def tender(live_tender, bob):
    """The live tender, whose documents bob obtained a moment ago."""
    DocumentDownload.objects.create(project=live_tender, supplier=org_of(bob), user=bob,
                                    at=timezone.now())
    return live_tender


def file_body(**overrides):
    return {"trigger": "documents", "contact_name": "张博", "contact_phone": "13800000000",
            "objections": json.dumps([objection()], ensure_ascii=False), **overrides}


def file_challenge(user, project, key="", **overrides):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = file_body(**overrides)
    body["files"] = [SimpleUploadedFile("证据.pdf", simple_pdf("evidence"),
                                        content_type="application/pdf")]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api(user).post(reverse("api:challenge-file", args=[project.pk]), body,
                          format="multipart", **headers)


def test_windows_say_who_may_challenge_what(tender, bob, charlie):
    url = reverse("api:challenge-windows", args=[tender.pk])
    mine = {w["stage"]: w for w in api(bob).get(url).json()}
    assert mine["documents"]["state"] == "open" and mine["documents"]["standing"]
    theirs = {w["stage"]: w for w in api(charlie).get(url).json()}
    assert not theirs["documents"]["standing"] and theirs["documents"]["reason"]


def test_challenge_through_the_api_from_filing_to_the_answer(tender, bob, alice, charlie):
    response = file_challenge(bob, tender, key="once")
    assert response.status_code == 201, response.content
    data = response.json()
    pk = data["challenge"]["id"]
    assert data["challenge"]["number"].startswith("ZY-")
    assert data["challenge"]["status"] == "pending" and data["answer_due_at"]
    # A retry with the same key files nothing more.
    again = file_challenge(bob, tender, key="once")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["challenge"]["id"] == pk and Challenge.objects.count() == 1

    assert api(charlie).get(reverse("api:challenge-detail", args=[pk])).status_code == 404
    assert api(charlie).get(reverse("api:challenge-list")).json()["count"] == 0
    assert api(alice).get(reverse("api:challenge-list")).json()["count"] == 1

    bob_org = org_of(bob)
    r = api(alice).post(reverse("api:challenge-messages", args=[pk]),
                        {"party": bob_org.pk, "body": "请补充证明材料。"}, format="json")
    assert r.status_code == 201, r.content
    r = api(bob).post(reverse("api:challenge-messages", args=[pk]),
                      {"body": "已补充，见附件说明。"}, format="json")
    assert r.status_code == 201
    assert [len(t["messages"]) for t in r.json()["threads"]] == [2]

    r = api(alice).post(reverse("api:challenge-may-change-result", args=[pk]))
    assert r.status_code == 200 and r.json()["challenge"]["may_change_result"]

    objection_id = r.json()["objections"][0]["id"]
    r = api(alice).post(reverse("api:challenge-answer", args=[pk]), {
        "answers": [{"objection": objection_id, "decision": "upheld",
                     "answer": "成立，删除本地业绩要求。"}],
        "summary": "质疑成立，发布更正公告修改招标文件。", "remedy": "amend"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["challenge"]["status"] == "answered"
    assert r.json()["challenge"]["outcome"] == "upheld"
    assert r.json()["resumed_at"]


def test_refusals_are_400_with_their_code_and_basis(tender, bob, charlie):
    r = file_challenge(charlie, tender)
    assert r.status_code == 400
    assert r.json()["code"] == "no_standing" and "94号令 第11条" in r.json()["basis"]
    r = file_challenge(bob, tender, objections="[]")
    assert r.status_code == 400 and r.json()["code"] == "no_objections"
    assert not Challenge.objects.exists()


def test_reject_and_withdraw(tender, bob, alice, charlie):
    first = file_challenge(bob, tender).json()["challenge"]["id"]
    second = file_challenge(bob, tender).json()["challenge"]["id"]
    r = api(charlie).post(reverse("api:challenge-reject", args=[first]),
                          {"reason": "no_facts", "detail": "未提供证明材料。"}, format="json")
    assert r.status_code == 404
    r = api(alice).post(reverse("api:challenge-reject", args=[first]),
                        {"reason": "no_facts", "detail": "未提供证明材料。"}, format="json")
    assert r.status_code == 200 and r.json()["challenge"]["status"] == "rejected"
    r = api(alice).post(reverse("api:challenge-withdraw", args=[second]))
    assert r.status_code == 404  # alice acts for a purchaser: suppliers withdraw
    r = api(bob).post(reverse("api:challenge-withdraw", args=[second]))
    assert r.status_code == 200 and r.json()["challenge"]["status"] == "withdrawn"


def test_inquiry_through_the_api(tender, bob, alice, charlie):
    r = api(bob).post(reverse("api:inquiry-ask", args=[tender.pk]),
                      {"question": "第3项技术参数是否允许正负偏离？"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "open" and r.json()["answer_due_at"]
    assert api(charlie).get(reverse("api:inquiry-detail", args=[pk])).status_code == 404
    assert api(alice).get(reverse("api:inquiry-list")).json()["count"] == 1
    r = api(charlie).post(reverse("api:inquiry-answer", args=[pk]), {"answer": "外人回答"},
                          format="json")
    assert r.status_code == 404
    r = api(alice).post(reverse("api:inquiry-answer", args=[pk]),
                        {"answer": "允许5%以内的偏离。"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert api(bob).get(reverse("api:inquiry-detail", args=[pk])).json()["answer"] == \
        "允许5%以内的偏离。"
    r = api(bob).post(reverse("api:inquiry-ask", args=[tender.pk]), {"question": "短"},
                      format="json")
    assert r.status_code == 400 and Inquiry.objects.count() == 1


def test_the_schema_documents_every_step():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for p in ("/api/projects/{id}/challenge-windows/", "/api/projects/{id}/challenges/",
              "/api/challenges/", "/api/challenges/{id}/", "/api/challenges/{id}/messages/",
              "/api/challenges/{id}/reject/", "/api/challenges/{id}/withdraw/",
              "/api/challenges/{id}/may-change-result/", "/api/challenges/{id}/answer/",
              "/api/projects/{id}/inquiries/", "/api/inquiries/", "/api/inquiries/{id}/",
              "/api/inquiries/{id}/answer/"):
        assert p in paths, (p, [k for k in paths if "challenge" in k or "inquir" in k])


def test_another_supplier_concerned_sees_only_its_own_thread(tender, bob, alice, charlie):
    """charlie obtained the documents too: the reviewer may ask it; it then sees the
    challenge without the facts argued and the challenger's evidence, and only its own
    thread."""
    pk = file_challenge(bob, tender).json()["challenge"]["id"]
    detail = reverse("api:challenge-detail", args=[pk])
    assert api(charlie).get(detail).status_code == 404  # not a party yet
    DocumentDownload.objects.create(project=tender, supplier=org_of(charlie), user=charlie,
                                    at=timezone.now())
    messages = reverse("api:challenge-messages", args=[pk])
    assert api(alice).post(messages, {"party": org_of(bob).pk, "body": "请补充材料。"},
                           format="json").status_code == 201
    assert api(alice).post(messages, {"party": org_of(charlie).pk,
                                      "body": "请说明贵公司的意见。"},
                           format="json").status_code == 201
    seen = api(charlie).get(detail).json()
    assert seen["role"] == "party"
    assert [t["party"] for t in seen["threads"]] == [org_of(charlie).pk]
    assert [m["body"] for m in seen["threads"][0]["messages"]] == ["请说明贵公司的意见。"]
    assert all(o["facts"] == "" for o in seen["objections"])
    mine = api(bob).get(detail).json()
    assert [t["party"] for t in mine["threads"]] == [org_of(bob).pk]
    reviewer = api(alice).get(detail).json()
    assert {t["party"] for t in reviewer["threads"]} == {org_of(bob).pk, org_of(charlie).pk}
    r = api(charlie).post(messages, {"body": "我方认为招标文件合规。"}, format="json")
    assert r.status_code == 201
