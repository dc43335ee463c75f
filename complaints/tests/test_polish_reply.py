"""The respondent's written reply to an accepted complaint (94号令 第22条): the copy sent
on acceptance, the 5 WD clock, the reply once by the purchaser or agency, shown to the
finance bureau (page, API) but not to the complainant, and cited in the decision PDF."""

import datetime as dt
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from complaints.models import Complaint, Evidence
from complaints.services import complaints as svc
from complaints.tests.factories_complaints import PDF, pdf_upload
from complaints.tests.factories_complaints import challenge as make_challenge
from conftest import org_of
from core.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from core.tests.concurrency import at_once, outcome
from deadlines.models import Deadline
from deadlines.services import running_deadline
from notifications.models import Message
from rules.registry import rule
from workdays.services import workdays_between

pytestmark = pytest.mark.django_db

REPLY = "经核查，中标供应商业绩证明真实，评审程序合法，投诉事项不成立。"


@pytest.fixture
def s(opened, supervisor, alice):
    lot, bidders = opened
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(lot.project, challenger)
    complaint = svc.complaint_file(
        challenge=ch, complainant=challenger, user=user,
        matters=[o.pk for o in ch.objections.all()], request="请求责令重新评审。",
        facts="中标供应商提供虚假业绩材料，质疑答复未予核实。", files=[pdf_upload()])
    return {"project": lot.project, "challenger": challenger, "user": user,
            "complaint": complaint, "bidders": bidders, "supervisor": supervisor,
            "alice": alice, "purchaser": org_of(alice)}


def accept(s):
    return svc.complaint_accept(complaint=s["complaint"], user=s["supervisor"])


def reply(s, **kw):
    args = {"complaint": s["complaint"], "user": s["alice"], "organization": s["purchaser"],
            "text": REPLY, "files": [pdf_upload("说明材料.pdf")]}
    args.update(kw)
    return svc.complaint_reply(**args)


def test_the_rule_is_in_the_registry_marked_verify():
    the_rule = rule("complaint.reply")
    assert (the_rule.amount, the_rule.unit, the_rule.category) == (5, "workdays", "complaints")
    assert the_rule.basis == "94号令 第22条" and the_rule.verify


def test_acceptance_opens_the_reply_clock_and_sends_the_copy(s):
    complaint = accept(s)
    clock = running_deadline(subject=complaint, clock="complaint.reply")
    assert clock.organization == s["purchaser"] and clock.basis == "94号令 第22条"
    # Days of Asia/Shanghai on both sides (the database gives UTC: from 16:00 UTC on, the
    # acceptance's UTC date is the day before its date in Shanghai).
    assert workdays_between(timezone.localtime(complaint.accepted_at).date(),
                            timezone.localtime(clock.due_at).date()) == 5
    assert Message.objects.filter(recipient=s["alice"], subject__contains="投诉答复通知").exists()
    concerned = [b for b in s["bidders"] if b != s["challenger"]]
    for supplier in concerned:
        person = supplier.memberships.get().user
        assert Message.objects.filter(recipient=person, subject__contains="投诉书副本").exists()
    assert not Message.objects.filter(recipient=s["user"], subject__contains="投诉书副本"
                                      ).exists()


def test_the_respondent_replies_once_meeting_the_clock(s):
    accept(s)
    complaint = reply(s)
    assert complaint.reply_text == REPLY and complaint.reply_organization == s["purchaser"]
    doc = complaint.documents.get(role=Evidence.Role.ANSWER)
    assert doc.name == "说明材料.pdf" and len(doc.sha256) == 64
    clock = Deadline.objects.get(subject_id=str(complaint.pk), clock="complaint.reply")
    assert clock.status == "met" and clock.met_at == complaint.replied_at
    assert AuditEvent.objects.filter(action="complaint.reply", object_id=str(complaint.pk)
                                     ).exists()
    assert Message.objects.filter(recipient=s["supervisor"], subject__contains="被投诉人已答复"
                                  ).exists()
    with pytest.raises(RuleViolation) as info:
        reply(s, text="第二次答复的内容。")
    assert info.value.code == "replied_once" and info.value.basis == "94号令 第22条"
    complaint.refresh_from_db()
    assert complaint.reply_text == REPLY


def _refused(s, kind, code=None, **kw):
    before = Evidence.objects.count()
    with pytest.raises(kind) as info:
        reply(s, **kw)
    if code:
        assert info.value.code == code
    complaint = Complaint.objects.get(pk=s["complaint"].pk)
    assert complaint.replied_at is None and complaint.reply_text == ""
    assert Evidence.objects.count() == before
    assert AuditEvent.objects.filter(action="complaint.reply_refused").exists()
    return info.value


def test_before_acceptance_there_is_nothing_to_reply_to(s):
    _refused(s, InvalidTransition)


def test_only_the_purchaser_or_agency_replies(s, bob):
    accept(s)
    _refused(s, PermissionDenied, "not_respondent", user=s["user"],
             organization=s["challenger"])
    _refused(s, PermissionDenied, "not_respondent", user=s["supervisor"],
             organization=org_of(s["supervisor"]))
    _refused(s, PermissionDenied, user=bob)  # the purchaser's name, not its staff


def test_a_late_reply_is_refused_with_the_due_date(s):
    complaint = accept(s)
    due = running_deadline(subject=complaint, clock="complaint.reply").due_at
    error = _refused(s, RuleViolation, "late", now=due + dt.timedelta(minutes=1))
    assert error.basis == "94号令 第22条"


def test_an_empty_reply_or_a_bad_file_is_refused(s):
    accept(s)
    _refused(s, Exception, "required", text="  ")
    _refused(s, Exception, files=[svc.Upload("x.exe", b"MZ\x90\x00 not a document")])


def test_the_decision_closes_a_reply_clock_left_open(s):
    complaint = accept(s)
    svc.complaint_decide(complaint=complaint, outcome="dismissed", user=s["supervisor"],
                         decision_text="经调查，投诉事项缺乏事实依据。",
                         decision_basis="法 第56条")
    assert running_deadline(subject=complaint, clock="complaint.reply") is None


def test_the_decision_pdf_cites_the_reply(s):
    accept(s)
    reply(s)
    complaint = svc.complaint_decide(complaint=s["complaint"], outcome="dismissed",
                                     user=s["supervisor"],
                                     decision_text="经调查，投诉事项缺乏事实依据。",
                                     decision_basis="法 第56条")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"],
                          input=complaint.decision_pdf.open("rb").read(),
                          capture_output=True, check=True).stdout.decode()
    compact = "".join(text.split())
    assert "被投诉人答复" in compact and "第二十二条" in compact
    assert "中标供应商业绩证明真实" in compact


def test_the_pdf_says_nothing_of_a_reply_not_given(s):
    from django.template.loader import render_to_string

    from complaints.pdf import decision_context

    complaint = accept(s)
    complaint.outcome = "dismissed"
    context = decision_context(complaint, bureau=org_of(s["supervisor"]),
                               now=complaint.accepted_at)
    html = render_to_string("complaints/complaints/pdf/decision.html", context)
    assert "被投诉人答复" not in html


# --- API ----------------------------------------------------------------------------------

def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_api_reply_shown_to_the_bureau_not_to_the_complainant(s):
    complaint = accept(s)
    url = f"/api/complaints/{complaint.pk}/"
    assert "reply" in api(s["alice"]).get(url).json()["actions"]
    assert api(s["alice"]).get(url).json()["reply"] is None
    response = api(s["alice"]).post(f"/api/complaints/{complaint.pk}/reply/", {
        "text": REPLY, "files": [SimpleUploadedFile("说明.pdf", PDF, "application/pdf")]},
        format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["reply"]["text"] == REPLY
    assert "reply" not in response.json()["actions"]
    bureau = api(s["supervisor"]).get(url).json()
    assert bureau["reply"]["organization"] == s["purchaser"].name
    assert any(d["role"] == "answer" for d in bureau["documents"])
    own = api(s["user"]).get(url).json()
    assert own["reply"] is None
    assert not any(d["role"] == "answer" for d in own["documents"])
    again = api(s["alice"]).post(f"/api/complaints/{complaint.pk}/reply/", {"text": REPLY},
                                 format="json")
    assert again.status_code == 400 and again.json()["code"] == "replied_once"


def test_api_reply_refused_to_the_complainant_and_404_to_outsiders(s, charlie):
    complaint = accept(s)
    url = f"/api/complaints/{complaint.pk}/reply/"
    assert api(s["user"]).post(url, {"text": REPLY}, format="json").status_code == 403
    assert api(charlie).post(url, {"text": REPLY}, format="json").status_code == 404
    complaint.refresh_from_db()
    assert complaint.replied_at is None


def test_api_reply_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/complaints/{id}/reply/" in schema.content.decode()


# --- pages --------------------------------------------------------------------------------

def test_pages_the_respondent_lists_replies_and_the_bureau_reads_it(s, client):
    complaint = accept(s)
    client.force_login(s["alice"])
    listing = client.get("/complaints/complaints/")
    assert complaint.number in listing.content.decode()
    # The purchaser's menu leads to the list (workspaces.navigation, "Disputes").
    assert 'href="/complaints/complaints/"' in client.get("/purchaser/").content.decode()
    assert [c["id"] for c in api(s["alice"]).get("/api/complaints/").json()] == [complaint.pk]
    page = client.get(complaint.get_absolute_url())
    assert 'data-testid="step-reply"' in page.content.decode()
    assert 'data-testid="reply-missing"' in page.content.decode()
    bad = client.post(f"/complaints/complaints/{complaint.pk}/reply/", {"reply-text": ""})
    assert bad.status_code == 400
    done = client.post(f"/complaints/complaints/{complaint.pk}/reply/", {
        "reply-text": REPLY,
        "reply-files": SimpleUploadedFile("说明.pdf", PDF, "application/pdf")})
    assert done.status_code == 302
    client.force_login(s["supervisor"])
    body = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="reply-text"' in body and REPLY in body
    doc = complaint.documents.get(role="answer")
    assert client.get(f"/complaints/complaints/{complaint.pk}/documents/{doc.pk}/"
                      ).status_code == 200
    client.force_login(s["user"])
    body = client.get(complaint.get_absolute_url()).content.decode()
    assert REPLY not in body and 'data-testid="reply"' not in body
    assert client.get(f"/complaints/complaints/{complaint.pk}/documents/{doc.pk}/"
                      ).status_code == 404


def test_pages_another_purchaser_does_not_list_complaints_about_other_projects(s, client):
    from accounts.models import Membership, Organization
    from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    other = OrganizationFactory(name="另一采购单位", kind=Organization.Kind.PURCHASER)
    user = UserFactory(username="olga")
    MembershipFactory(user=user, organization=other, role=Membership.Role.OFFICER)
    client.force_login(user)
    assert s["complaint"].number not in client.get("/complaints/complaints/").content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_double_submitted_reply_is_saved_once(s):
    accept(s)
    results = at_once(lambda: reply(s), lambda: reply(s))
    assert sorted(outcome(r, "ok") for r in results) == ["ok", "replied_once"]
    assert Evidence.objects.filter(complaint=s["complaint"], role="answer").count() == 1
    assert AuditEvent.objects.filter(action="complaint.reply").count() == 1
