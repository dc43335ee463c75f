"""The complaints pages: the complainant files and follows; the finance bureau's queue,
detail and steps; the public decisions; outsiders get 404; both languages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaints as svc
from complaints.tests.factories_complaints import PDF
from complaints.tests.factories_complaints import challenge as make_challenge

pytestmark = pytest.mark.django_db


def browser(user=None, lang="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
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


def _filed(s):
    ch = s["challenge"]
    return svc.complaint_file(challenge=ch, complainant=s["challenger"], user=s["user"],
                              matters=list(ch.objections.all()), request="请求责令重新评审。",
                              facts="中标供应商提供虚假业绩材料。")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_complainant_files_from_its_list(s, lang):
    client = browser(s["user"], lang)
    page = client.get(reverse("complaints:complaint-list"))
    assert page.status_code == 200
    assert s["challenge"].number in page.content.decode()
    url = reverse("complaints:complaint-file") + f"?challenge={s['challenge'].pk}"
    form = client.get(url)
    assert form.status_code == 200
    objections = list(s["challenge"].objections.all())
    assert objections[0].facts[:10] in form.content.decode()
    response = client.post(url, {
        "matters": [o.pk for o in objections], "request": "请求责令重新评审。",
        "facts": "中标供应商提供虚假业绩材料。",
        "files": [SimpleUploadedFile("evidence.pdf", PDF, "application/pdf")]})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    detail = client.get(complaint.get_absolute_url())
    body = detail.content.decode()
    assert complaint.number in body and 'data-testid="clock-complaint.review"' in body
    assert 'data-testid="step-withdraw"' in body and 'data-testid="step-accept"' not in body


def test_a_matter_never_challenged_is_shown_as_an_error(s):
    other = make_challenge(s["project"], s["bidders"][2])
    url = reverse("complaints:complaint-file") + f"?challenge={s['challenge'].pk}"
    response = browser(s["user"], "en").post(url, {
        "matters": [other.objections.first().pk], "request": "请求责令重新评审。",
        "facts": "中标供应商提供虚假业绩材料。"})
    assert response.status_code == 400
    assert "94号令" in response.content.decode()
    assert not Complaint.objects.exists()


def test_another_suppliers_challenge_is_404(s, charlie):
    url = reverse("complaints:complaint-file") + f"?challenge={s['challenge'].pk}"
    assert browser(charlie).get(url).status_code == 404


def test_outsiders_get_404(s, charlie):
    complaint = _filed(s)
    assert browser(charlie).get(complaint.get_absolute_url()).status_code == 404
    accept = reverse("complaints:complaint-accept", args=[complaint.pk])
    assert browser(charlie).post(accept).status_code == 404
    # the purchaser sees the complaint about its project, but no bureau step
    page = browser(s["alice"]).get(complaint.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="step-accept"' not in page.content.decode()


def test_only_the_bureau_accepts(s):
    complaint = _filed(s)
    accept = reverse("complaints:complaint-accept", args=[complaint.pk])
    response = browser(s["alice"]).post(accept)
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_bureau_works_its_queue_to_the_published_decision(s, lang):
    complaint = _filed(s)
    bureau = browser(s["supervisor"], lang)
    queue = bureau.get(reverse("complaints:complaint-list"))
    assert queue.status_code == 200
    body = queue.content.decode()
    assert complaint.number in body and f'data-testid="review-{complaint.pk}"' in body
    detail = bureau.get(complaint.get_absolute_url()).content.decode()
    for step in ("request_correction", "accept", "reject", "suspend_procurement"):
        assert f'data-testid="step-{step}"' in detail
    r = bureau.post(reverse("complaints:complaint-request-correction", args=[complaint.pk]),
                    {"request_correction-request": "请补充法定代表人签字。"})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "correcting"
    r = browser(s["user"], lang).post(
        reverse("complaints:complaint-correct", args=[complaint.pk]),
        {"correct-facts": "补正后的事实与理由。"})
    assert r.status_code == 302
    assert bureau.post(reverse("complaints:complaint-accept",
                               args=[complaint.pk])).status_code == 302
    r = bureau.post(reverse("complaints:complaint-suspend-procurement", args=[complaint.pk]),
                    {"suspend_procurement-days": "31",
                     "suspend_procurement-reason": "暂停采购活动。"})
    assert r.status_code == 400 and "法 第57条" in r.content.decode()
    r = bureau.post(reverse("complaints:complaint-decide", args=[complaint.pk]), {
        "decide-outcome": "partly", "decide-decision_text": "投诉事项部分成立，责令重新评审。",
        "decide-decision_basis": "94号令 第31条"})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "decided" and complaint.published_at
    anonymous = browser(lang=lang)
    listing = anonymous.get(reverse("complaints:complaint-decision-list"))
    assert complaint.number in listing.content.decode()
    public = anonymous.get(reverse("complaints:complaint-decision-public", args=[complaint.pk]))
    assert "投诉事项部分成立" in public.content.decode()
    pdf = anonymous.get(reverse("complaints:complaint-decision-pdf", args=[complaint.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_undecided_complaint_is_not_public(s):
    complaint = _filed(s)
    url = reverse("complaints:complaint-decision-public", args=[complaint.pk])
    assert browser().get(url).status_code == 404


def test_the_bureau_registers_a_paper_complaint(s):
    bureau = browser(s["supervisor"], "en")
    assert bureau.get(reverse("complaints:complaint-register")).status_code == 200
    url = reverse("complaints:complaint-register") + f"?challenge={s['challenge'].number}"
    assert bureau.get(url).status_code == 200
    r = bureau.post(url, {
        "matters": [o.pk for o in s["challenge"].objections.all()],
        "request": "请求责令重新评审。", "facts": "书面投诉的事实与理由。",
        "filed_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "original": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")})
    assert r.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "offline" and complaint.registered_by == s["supervisor"]
    # a supplier cannot open the registration
    assert browser(s["user"]).get(reverse("complaints:complaint-register")).status_code == 404


def test_supervision_desk_links_the_queue(s):
    _filed(s)
    page = browser(s["supervisor"]).get(reverse("workspaces:supervision"))
    body = page.content.decode()
    assert 'data-testid="complaints-card"' in body
    assert reverse("complaints:complaint-list") in body
