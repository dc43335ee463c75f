"""The demo's complaints: a challenge answered, a complaint under review (the respondent's
reply awaited) and one decided, an inquiry answered, a mediation requested, a warning and
a debarment — all through the services, every page of the complaints app populated, and
a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_seal
from complaints.models import (
    BadBehaviourListing,
    Challenge,
    Complaint,
    Evidence,
    Inquiry,
    Mediation,
    Penalty,
)
from deadlines.models import Deadline

pytestmark = pytest.mark.django_db
MODELS = (Challenge, Complaint, Evidence, Inquiry, Mediation, Penalty, BadBehaviourListing,
          AuditEvent, Deadline)


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_the_demo_complaints_come_from_the_services_and_a_second_run_adds_nothing(
        seeded, django_capture_on_commit_callbacks):
    assert sorted(Challenge.objects.values_list("status", flat=True)) == ["answered"] * 2
    assert all(c.supplier.name != "许昌新程家具制造有限公司" for c in Challenge.objects.all())
    under_review = Complaint.objects.get(status="accepted")
    assert under_review.replied_at is None
    assert Deadline.objects.get(subject_id=str(under_review.pk), clock="complaint.reply"
                                ).status == "open"
    decided = Complaint.objects.get(status="decided")
    assert decided.outcome == "dismissed" and decided.replied_at is not None
    assert decided.decision_pdf and decided.published_at
    assert Inquiry.objects.get().status == "answered"
    assert Mediation.objects.get().status == "requested"
    assert Mediation.objects.get().contract.status == "accepted"
    assert set(Penalty.objects.values_list("kind", flat=True)) == {"warning", "debarment"}
    assert BadBehaviourListing.objects.exists()
    # Every step audited by its service, none refused.
    for action in ("challenge.file", "challenge.answer", "complaint.file", "complaint.accept",
                   "complaint.reply", "complaint.decide", "inquiry.ask", "inquiry.answer",
                   "mediation.request", "penalty.record"):
        assert AuditEvent.objects.filter(action=action).exists(), action
    # The one refusal the demo makes on purpose, for the compliance interceptions
    # (demo.procurement._interceptions): a registered-capital threshold.
    refused = AuditEvent.objects.filter(action__endswith="_refused")
    assert [(e.action, e.detail["code"], e.detail["field"]) for e in refused] == [
        ("demand.check_refused", "fair_competition", "qualification_conditions")]
    assert not Deadline.objects.filter(status=Deadline.Status.OVERDUE).exists()
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)
    assert _counts() == before
    audit_seal()
    assert audit_chain_verify().ok


PAGES = {
    None: ["/notices/challenge-answers/", "/notices/complaint-decisions/",
           "/notices/penalties/", "/notices/bad-behaviour/"],
    "czj_jg": ["/complaints/complaints/", "/complaints/challenges/", "/complaints/mediations/",
               "/complaints/inquiries/"],
    "jyj_jb": ["/complaints/complaints/", "/complaints/challenges/", "/complaints/mediations/"],
    "gys2": ["/complaints/complaints/", "/complaints/challenges/"],
    "gys3": ["/complaints/inquiries/"],
    "dl_jb": ["/complaints/inquiries/"],
}
# The pages' empty-state lines (their {% empty %} branches).
EMPTY = ("No complaint.", "No challenge.", "No mediation yet.", "No inquiry.",
         "No decision published yet.", "No penalties published.", "Nobody is listed.",
         "No answer published yet.")


@pytest.mark.parametrize("username", list(PAGES))
def test_every_complaints_page_shows_the_demo(seeded, username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    for path in PAGES[username]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        body = response.content.decode()
        assert any(mark in body for mark in ("TS-20", "ZY-20", "TJ-20", "魏财采罚", "注册证")), path
        assert not any(text in body for text in EMPTY), path
