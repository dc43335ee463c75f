"""The complaints API: every step through the same services as the pages; refusals as
400/403 JSON with their basis; outsiders get 404; the decisions are public."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.tests.factories_complaints import PDF
from complaints.tests.factories_complaints import challenge as make_challenge
from deadlines.services import running_deadline

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def s(opened, supervisor, alice):
    lot, bidders = opened
    challenger = bidders[1]
    return {"project": lot.project, "challenger": challenger,
            "user": challenger.memberships.get().user,
            "challenge": make_challenge(lot.project, challenger), "bidders": bidders,
            "supervisor": supervisor, "alice": alice}


def _file(s, matters=None):
    ch = s["challenge"]
    return api(s["user"]).post("/api/complaints/file/", {
        "challenge": ch.pk,
        "matters": matters or [o.pk for o in ch.objections.all()],
        "request": "请求责令重新评审。", "facts": "中标供应商提供虚假业绩材料。",
        "files": [SimpleUploadedFile("evidence.pdf", PDF, "application/pdf")],
    }, format="multipart")


def test_file_and_read(s):
    response = _file(s)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["complaint"]["number"].startswith("TS-")
    assert body["complaint"]["status"] == "submitted"
    assert [c["clock"] for c in body["clocks"]] == ["complaint.review"]
    assert body["actions"] == ["withdraw"]
    assert len(body["documents"]) == 1
    pk = body["complaint"]["id"]
    listed = api(s["supervisor"]).get("/api/complaints/").json()
    assert [c["id"] for c in listed] == [pk]
    bureau = api(s["supervisor"]).get(f"/api/complaints/{pk}/").json()
    assert "accept" in bureau["actions"] and "request_correction" in bureau["actions"]


def test_matter_never_challenged_is_refused(s):
    other = make_challenge(s["project"], s["bidders"][2])
    response = _file(s, matters=[other.objections.first().pk])
    assert response.status_code == 400
    assert response.json()["code"] == "not_challenged"
    assert "94号令" in response.json()["basis"]
    assert not Complaint.objects.exists()


def test_challenge_of_another_supplier_is_404(s, charlie):
    response = api(charlie).post("/api/complaints/file/", {
        "challenge": s["challenge"].pk, "matters": [1], "request": "请求重新评审。",
        "facts": "事实与理由。"}, format="multipart")
    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_scoping(s, charlie):
    pk = _file(s).json()["complaint"]["id"]
    assert api(charlie).get(f"/api/complaints/{pk}/").status_code == 404
    assert api(charlie).get("/api/complaints/").json() == []
    # the purchaser of the project sees it, without the bureau's steps
    seen = api(s["alice"]).get(f"/api/complaints/{pk}/")
    assert seen.status_code == 200 and seen.json()["actions"] == []
    # only finance bureau staff accept or decide
    refused = api(s["alice"]).post(f"/api/complaints/{pk}/accept/")
    assert refused.status_code == 403
    refused = api(s["user"]).post(f"/api/complaints/{pk}/decide/", {
        "outcome": "upheld", "decision_text": "投诉事项成立。", "decision_basis": "94号令"},
        format="json")
    assert refused.status_code == 403
    assert Complaint.objects.get().status == "submitted"


def test_the_whole_procedure(s, signed):
    sup = api(s["supervisor"])
    pk = _file(s).json()["complaint"]["id"]
    r = sup.post(f"/api/complaints/{pk}/request-correction/",
                 {"request": "请补充法定代表人签字。"}, format="json")
    assert r.status_code == 200 and r.json()["complaint"]["status"] == "correcting"
    again = sup.post(f"/api/complaints/{pk}/request-correction/",
                     {"request": "再次补正。"}, format="json")
    assert again.status_code in (400, 409)
    r = api(s["user"]).post(f"/api/complaints/{pk}/correct/", {
        "facts": "补正后的事实与理由。",
        "files": [SimpleUploadedFile("signed.pdf", PDF, "application/pdf")]},
        format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["complaint"]["status"] == "submitted"
    r = sup.post(f"/api/complaints/{pk}/accept/")
    assert r.status_code == 200 and r.json()["complaint"]["status"] == "accepted"
    r = sup.post(f"/api/complaints/{pk}/pause/",
                 {"kind": "expert_review", "reason": "组织专家评审。"}, format="json")
    assert r.status_code == 200 and r.json()["pauses"][-1]["ended_at"] is None
    r = sup.post(f"/api/complaints/{pk}/resume/")
    assert r.status_code == 200 and r.json()["pauses"][-1]["ended_at"]
    r = sup.post(f"/api/complaints/{pk}/suspend-procurement/",
                 {"days": 31, "reason": "暂停采购活动。"}, format="json")
    assert r.status_code == 400 and r.json()["basis"] == "法 第57条"
    r = sup.post(f"/api/complaints/{pk}/suspend-procurement/",
                 {"days": 20, "reason": "暂停采购活动。"}, format="json")
    assert r.status_code == 200 and r.json()["complaint"]["procurement_suspended_until"]
    r = sup.post(f"/api/complaints/{pk}/resume-procurement/")
    assert r.status_code == 200 and r.json()["complaint"]["procurement_resumed_at"]
    r = sup.post(f"/api/complaints/{pk}/decide/", {
        "outcome": "dismissed", "decision_text": "经调查，投诉事项缺乏事实依据。",
        "decision_basis": "94号令 第29条"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["complaint"]["status"] == "decided"
    complaint = Complaint.objects.get()
    assert running_deadline(subject=complaint, clock="complaint.decide") is None
    public = api().get("/api/complaint-decisions/").json()
    assert [d["number"] for d in public] == [complaint.number]
    one = api().get(f"/api/complaint-decisions/{pk}/").json()
    assert one["outcome"] == "dismissed"
    assert api().get(one["pdf"]).status_code == 200


def test_withdraw_and_reject(s):
    pk = _file(s).json()["complaint"]["id"]
    r = api(s["supervisor"]).post(f"/api/complaints/{pk}/reject/", {"reason": ""},
                                  format="json")
    assert r.status_code == 400
    r = api(s["user"]).post(f"/api/complaints/{pk}/withdraw/", {"reason": "已协商解决。"},
                            format="json")
    assert r.status_code == 200 and r.json()["complaint"]["status"] == "withdrawn"


def test_register_offline(s):
    ch = s["challenge"]
    data = {"challenge": ch.pk, "matters": [o.pk for o in ch.objections.all()],
            "request": "请求责令重新评审。", "facts": "书面投诉的事实与理由。",
            "original": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")}
    assert api(s["user"]).post("/api/complaints/register-offline/", data,
                               format="multipart").status_code == 404
    data["original"] = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    r = api(s["supervisor"]).post("/api/complaints/register-offline/", data,
                                  format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["complaint"]["channel"] == "offline"
    assert r.json()["documents"][0]["role"] == "original"


def test_public_decision_of_an_undecided_complaint_is_404(s):
    pk = _file(s).json()["complaint"]["id"]
    assert api().get(f"/api/complaint-decisions/{pk}/").status_code == 404


def test_every_step_is_in_the_schema(s):
    paths = api(s["supervisor"]).get("/api/schema/", {"format": "json"}).json()["paths"]
    for step in ("file", "register-offline"):
        assert f"/api/complaints/{step}/" in paths
    for step in ("request-correction", "correct", "accept", "reject", "withdraw", "pause",
                 "resume", "suspend-procurement", "resume-procurement", "decide"):
        assert f"/api/complaints/{{id}}/{step}/" in paths, step
    assert "/api/complaint-decisions/" in paths
    assert "/api/complaint-decisions/{id}/" in paths
