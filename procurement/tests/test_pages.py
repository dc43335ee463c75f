import datetime as dt

import pytest
from django.urls import reverse

from conftest import org_of
from procurement import services
from procurement.models import Demand
from procurement.tests.fixtures import NOW

pytestmark = pytest.mark.django_db


def test_outsider_gets_404_for_project_and_demand(client, charlie, project):
    client.force_login(charlie)
    assert client.get(reverse("procurement:project-detail", args=[project.pk])).status_code \
        == 404
    assert client.get(reverse("procurement:demand-detail",
                              args=[project.demand_id])).status_code == 404
    assert client.get(reverse("api:project-detail", args=[project.pk])).status_code == 404
    assert client.post(reverse("api:project-submit", args=[project.pk])).status_code == 404


def test_supplier_cannot_open_the_budget_pages(client, bob):
    client.force_login(bob)
    assert client.get(reverse("procurement:budget-list")).status_code == 404
    assert client.get(reverse("procurement:demand-create")).status_code == 404


def _demand_form(budget, **overrides):
    data = {
        "title": "办公设备采购", "category": "goods", "budget_line": budget.pk,
        "technical_requirements": "打印机10台",
        "qualification_conditions": "投标人须在魏都区设立售后服务网点",
        "evaluation_method": "lowest_price",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000", "items-0-name": "打印机", "items-0-catalog_code":
        "A02021000", "items-0-quantity": "10", "items-0-unit": "台",
        "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_demand_form_refuses_a_local_branch_and_keeps_the_text(client, alice, budget):
    client.force_login(alice)
    response = client.post(reverse("procurement:demand-create"), _demand_form(budget))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["qualification_conditions"]  # nothing else is wrong
    error = form.errors["qualification_conditions"][0]
    assert "分支机构" in error and "春风行动 第1–4条" in error
    assert "投标人须在魏都区设立售后服务网点" in response.content.decode()
    assert not Demand.objects.exists()


def test_demand_form_saves_a_fair_demand(client, alice, budget):
    client.force_login(alice)
    response = client.post(reverse("procurement:demand-create"),
                           _demand_form(budget, qualification_conditions=""))
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{demand.pk}/")
    assert demand.budget_line == budget and demand.items.count() == 1


def test_public_notice_pages_show_the_announcement(client, approved, alice,
                                                   django_capture_on_commit_callbacks):
    # The portal's list (disclosure) indexes the notice when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.project_announce(project=approved, actor=alice,
                                           documents_from=NOW,
                                           documents_until=NOW + dt.timedelta(days=7),
                                           bid_deadline=NOW + dt.timedelta(days=21), now=NOW)
    listing = client.get(reverse("disclosure:notice-list")).content.decode()
    assert notice.title in listing
    detail = client.get(reverse("disclosure:notice-detail", args=[notice.pk])).content.decode()
    assert "预算金额：600,000.00元" in detail
    data = client.get(reverse("api:notice-list")).json()
    assert data["results"][0]["fields"]["budget"] == "600000.00"


def test_approve_button_refusal_through_the_page(client, project, alice):
    client.force_login(alice)
    client.post(reverse("procurement:project-action", args=[project.pk, "submit"]))
    response = client.post(reverse("procurement:project-action", args=[project.pk, "approve"]),
                           follow=True)
    assert "财库〔2016〕99号" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "submitted"


def test_api_walks_budget_to_announcement(client, alice, approver, purchaser_org, intention):
    client.force_login(alice)
    r = client.post(reverse("api:budget-line-list"), {
        "year": 2026, "code": "API-1", "name": "设备", "amount": "700000", "source": "fiscal"},
        content_type="application/json")
    assert r.status_code == 201, r.content
    line = r.json()["id"]
    r = client.post(reverse("api:demand-list"), {
        "title": "设备采购", "category": "goods", "budget_line": line,
        "intention": intention.pk, "technical_requirements": "计算机20台",
        "evaluation_method": "lowest_price",
        "items": [{"name": "计算机", "catalog_code": "A02010105", "quantity": "20",
                   "unit": "台"}]}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post(reverse("api:project-list"), {
        "title": "设备采购", "demand": r.json()["id"], "method": "open",
        "contact_name": "李", "contact_phone": "1",
        "lots": [{"title": "设备", "budget": "300000"}]}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert client.post(reverse("api:project-submit", args=[pk])).status_code == 200
    r = client.post(reverse("api:project-approve", args=[pk]))
    assert r.status_code == 400 and r.json()["code"] == "separation_of_duties"
    client.force_login(approver)
    assert client.post(reverse("api:project-approve", args=[pk])).json()["status"] == "approved"
    client.force_login(alice)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    r = client.post(reverse("api:project-announce", args=[pk]), {
        "documents_from": start.isoformat(),
        "documents_until": (start + dt.timedelta(days=10)).isoformat(),
        "bid_deadline": (start + dt.timedelta(days=25)).isoformat()},
        content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "tender"
    assert org_of(alice).projects.get().status == "announced"
