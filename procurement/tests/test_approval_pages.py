# ruff: noqa: F811 — the fixtures of the service tests are imported to be used by name here.
"""The finance bureau's queue and decision, and the single source's objection and
negotiation, through the pages and the API: who may open them (others get 404), and a
refusal shown on the form that saves nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from procurement.models import MethodApproval, MethodAttachment, Objection, SingleSourceNegotiation
from procurement.tests.factories import simple_pdf
from procurement.tests.test_method_approval import big_demand, waiting  # noqa: F401
from procurement.tests.test_single_source import (  # noqa: F401
    _chair,
    big_ss,
    named,
    opened_ss,
    panel,
    publicised,
    ss_project,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_queue_is_the_finance_bureaus_only(client, waiting, supervisor, alice, bob):
    url = reverse("procurement:approval-list")
    for outsider in (alice, bob):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(waiting.method_approvals.get().get_absolute_url()).status_code == 404
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert waiting.code in page
    desk = client.get(reverse("workspaces:supervision")).content.decode()
    assert 'data-testid="pending-approvals">1<' in desk


def test_a_refusal_without_reason_is_shown_on_the_form_and_saves_nothing(client, waiting,
                                                                         supervisor):
    approval = waiting.method_approvals.get()
    client.force_login(supervisor)
    url = reverse("procurement:approval-decide", args=[approval.pk])
    response = client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and "请说明不予批准的理由" in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == "pending"
    response = client.post(url, {"decision": "refuse", "reason": "应当公开招标，理由不足。"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == "refused"


def test_the_purchaser_reads_the_refusal_on_the_project_page(client, waiting, supervisor,
                                                              alice):
    from procurement import services

    services.method_approval_decide(approval=waiting.method_approvals.get(), actor=supervisor,
                                    decision="refuse", reason="应当公开招标，理由不足。")
    client.force_login(alice)
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert 'data-testid="bureau-refusal"' in page and "应当公开招标，理由不足。" in page


def test_the_api_lists_and_decides(waiting, supervisor, alice):
    url = reverse("api:approval-list")
    assert api(alice).get(url).status_code == 404
    listed = api(supervisor).get(url).json()
    assert [a["project_code"] for a in listed] == [waiting.code]
    approval = waiting.method_approvals.get()
    decide = reverse("api:approval-decide", args=[approval.pk])
    refused = api(supervisor).post(decide, {"decision": "refuse"}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    assert api(alice).post(decide, {"decision": "approve"}, format="json").status_code == 404
    done = api(supervisor).post(decide, {"decision": "approve"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert MethodApproval.objects.get().status == "approved"


def test_method_files_through_the_page_and_the_api(client, waiting, alice, charlie,
                                                   supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(alice)
    client.post(reverse("procurement:method-attachment-add", args=[waiting.pk]),
                {"purpose": "reasons", "upload": SimpleUploadedFile("论证.pdf", simple_pdf())})
    response = api(alice).post(reverse("api:method-attachment-add", args=[waiting.pk]),
                               {"purpose": "experts",
                                "upload": SimpleUploadedFile("专家.pdf", simple_pdf())},
                               format="multipart")
    assert response.status_code == 201
    record = MethodAttachment.objects.get(name="论证.pdf")
    client.force_login(charlie)
    assert client.get(record.get_absolute_url()).status_code == 404
    client.force_login(supervisor)
    assert client.get(record.get_absolute_url()).status_code == 200


def test_an_objection_through_the_page_and_a_late_one_through_the_api(client, publicised,
                                                                      charlie, alice):
    url = reverse("procurement:publicity", args=[publicised.pk])
    assert client.get(url).status_code == 200  # the publicity is public
    record = publicised.single_source
    record.publicity_from = timezone.now() - dt.timedelta(days=1)
    record.publicity_until = timezone.now() + dt.timedelta(days=1)
    record.save()
    client.force_login(charlie)
    assert client.post(url, {"reasons": "本公司同样可以提供该系统的升级服务。"}).status_code == 302
    objection = Objection.objects.get()
    response = api(alice).post(reverse("api:objection-decide", args=[objection.pk]),
                               {"decision": "dismissed", "reason": "异议人未取得原厂授权。"},
                               format="json")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    record.publicity_until = timezone.now() - dt.timedelta(seconds=1)
    record.save()
    late = api(charlie).post(reverse("api:objection-file", args=[publicised.pk]),
                             {"reasons": "公示结束后再提出的异议，理由如下。"}, format="multipart")
    assert late.status_code == 400 and "条例 第38条" in late.json()["basis"]
    assert Objection.objects.count() == 1


def test_the_negotiation_through_the_api(panel, opened_ss, client, charlie):
    chair = _chair(panel)
    url = reverse("api:single-source-negotiation", args=[opened_ss.pk])
    over = api(chair).post(url, {"points": "成本构成与同类合同价格说明。",
                                 "agreed_price": "600000.01"}, format="json")
    assert over.status_code == 400 and "74号令 第43条" in over.json()["basis"]
    assert not SingleSourceNegotiation.objects.exists()
    client.force_login(charlie)
    page = reverse("procurement:single-source-negotiation", args=[opened_ss.pk])
    assert client.get(page).status_code == 404
    ok = api(chair).post(url, {"points": "成本构成与同类合同价格说明。",
                               "agreed_price": "550000"}, format="json")
    assert ok.status_code == 200, ok.json()
    for member in panel.members.all():
        signed = api(member.expert).post(reverse("api:single-source-sign", args=[opened_ss.pk]),
                                         {}, format="json")
        assert signed.status_code == 201
    assert signed.json()["concluded_at"] and signed.json()["agreed_price"] == "550000.00"
    assert SingleSourceNegotiation.objects.get().bid.price == Decimal("550000.00")



def test_the_approver_is_told_the_method_now_waits_for_the_bureau(client, alice, approver,
                                                                  purchaser_org, big_demand):
    """The page says where the project went: to the finance bureau, not "approved"."""
    from procurement.tests.test_method_approval import _project

    project = _project(alice, purchaser_org, big_demand)
    client.force_login(approver)
    page = client.post(reverse("procurement:project-action", args=[project.pk, "approve"]),
                       follow=True).content.decode()
    assert "财政部门" in page and "法 第27条" in page
    project.refresh_from_db()
    assert project.status == "bureau_review"


def test_the_single_source_is_reported_from_its_page_and_the_api(client, big_ss, alice, bob):
    """After its publicity the organiser sees the report button (条例 第38条); the API does
    the same; a second report is refused and nothing more is saved."""
    client.force_login(alice)
    page = client.get(big_ss.get_absolute_url()).content.decode()
    assert 'data-testid="single-source-report"' in page
    response = client.post(reverse("procurement:single-source-report", args=[big_ss.pk]),
                           follow=True)
    assert "财政部门" in response.content.decode()
    assert big_ss.method_approvals.get().status == "pending"
    again = api(alice).post(reverse("api:single-source-report", args=[big_ss.pk]))
    assert again.status_code == 409 and big_ss.method_approvals.count() == 1
    assert 'data-testid="single-source-report"' not in client.get(
        big_ss.get_absolute_url()).content.decode()
    client.force_login(bob)  # a supplier: not its project
    assert client.post(reverse("procurement:single-source-report",
                               args=[big_ss.pk])).status_code == 404
