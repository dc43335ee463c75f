"""The credit API: each step, each list, scoped; refusals as JSON with their basis."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import BadBehaviourListing, CreditRecord, CreditRepair, Penalty, SpotCheck
from conftest import org_of

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def collusion(supervisor, bob, live_tender):
    response = api(supervisor).post(reverse("api:credit-records"), {
        "subject": org_of(bob).pk, "project": live_tender.pk,
        "detail": "两家供应商投标文件由同一单位编制，视为串通投标。"}, format="json")
    assert response.status_code == 201, response.content
    return CreditRecord.objects.get(pk=response.json()["id"])


def test_collusion_recorded_by_the_finance_bureau_lists_the_supplier(collusion, bob):
    assert (collusion.event, collusion.points) == ("collusion", -40)
    assert "87号令 第37条" in collusion.basis
    mine = api(bob).get(reverse("api:credit-mine")).json()
    assert (mine["score"], mine["grade"]) == (60, "C")
    assert [r["event"] for r in mine["records"]] == ["collusion"]
    public = api().get(reverse("api:credit-bad-behaviour-public")).json()
    assert [row["subject"] for row in public["results"]] == [org_of(bob).name]


def test_only_the_finance_bureau_records_collusion(bob, charlie, live_tender):
    response = api(charlie).post(reverse("api:credit-records"), {
        "subject": org_of(bob).pk, "project": live_tender.pk, "detail": "诬告。"},
        format="json")
    assert response.status_code == 404
    assert not CreditRecord.objects.exists()


def test_repair_through_the_api(collusion, bob, charlie, supervisor):
    url = reverse("api:credit-repair-apply", args=[collusion.pk])
    assert api(charlie).post(url, {"statement": "不是我们的记录，但想修复。"},
                             format="json").status_code == 404
    short = api(bob).post(url, {"statement": "改了"}, format="json")
    assert short.status_code == 400 and short.json()["field"] == "statement"
    applied = api(bob).post(url, {"statement": "已建立投标文件编制内控制度并处理责任人。"},
                            format="json")
    assert applied.status_code == 201
    again = api(bob).post(url, {"statement": "已建立投标文件编制内控制度并处理责任人。"},
                          format="json")
    assert again.status_code == 409 and again.json()["code"] == "repair_pending"
    assert [r["status"] for r in api(bob).get(reverse("api:credit-repairs")).json()["results"]
            ] == ["submitted"]
    assert api(charlie).get(reverse("api:credit-repairs")).json()["results"] == []
    repair = CreditRepair.objects.get()
    review = reverse("api:credit-repair-review", args=[repair.pk])
    assert api(bob).post(review, {"approve": True}, format="json").status_code == 404
    refused = api(supervisor).post(review, {"approve": False}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "note"
    done = api(supervisor).post(review, {"approve": True, "note": "整改到位"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert BadBehaviourListing.objects.get().lifted_at is not None
    assert api().get(reverse("api:credit-bad-behaviour-public")).json()["results"] == []
    assert api(bob).get(reverse("api:credit-mine")).json()["grade"] == "A"


def test_credit_is_scoped(collusion, bob, charlie, supervisor):
    other = reverse("api:credit-organization", args=[org_of(bob).pk])
    assert api(charlie).get(other).status_code == 404
    assert api(supervisor).get(other).json()["score"] == 60
    assert api(charlie).get(reverse("api:credit-records")).json()["results"] == []
    assert len(api(supervisor).get(reverse("api:credit-records")).json()["results"]) == 1
    assert api(bob).get(reverse("api:credit-overview")).status_code == 404
    rows = api(supervisor).get(reverse("api:credit-overview")).json()["results"]
    assert rows[0]["name"] == org_of(bob).name  # lowest first
    assert api().get(reverse("api:credit-mine")).status_code in (401, 403)


def test_penalty_through_the_api(bob, supervisor, django_capture_on_commit_callbacks):
    now = timezone.now()
    data = {"subject": org_of(bob).pk, "kind": "debarment", "decision_number": "许财罚〔2026〕9号",
            "facts": "提供虚假材料。", "basis": "法 第77条", "decided_at": now.isoformat(),
            "effective_from": now.isoformat(),
            "effective_until": (now + dt.timedelta(days=4 * 365)).isoformat()}
    too_long = api(supervisor).post(reverse("api:credit-penalty-record"), data, format="json")
    assert too_long.status_code == 400
    assert (too_long.json()["code"], too_long.json()["basis"]) == ("debarment_period",
                                                                   "法 第77条")
    assert api(bob).post(reverse("api:credit-penalty-record"), data,
                         format="json").status_code == 404
    data["effective_until"] = (now + dt.timedelta(days=400)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        made = api(supervisor).post(reverse("api:credit-penalty-record"), data, format="json")
    assert made.status_code == 201, made.content
    assert Penalty.objects.get().published_at is not None
    public = api().get(reverse("api:credit-penalties-public")).json()["results"]
    assert [p["decision_number"] for p in public] == ["许财罚〔2026〕9号"]
    assert CreditRecord.objects.get().event == "penalty"


def test_spot_checks_through_the_api(supervisor, bob):
    from complaints.models import CreditGrade

    CreditGrade.objects.create(organization=org_of(bob), score=50, grade="D",
                               at=timezone.now(), reason="test")
    assert api(bob).post(reverse("api:credit-spot-checks-draw"), {"period": "2026-Q4"},
                         format="json").status_code == 404
    assert api(supervisor).post(reverse("api:credit-spot-checks-draw"), {"period": "Q4"},
                                format="json").status_code == 400
    drawn = api(supervisor).post(reverse("api:credit-spot-checks-draw"), {"period": "2026-Q4"},
                                 format="json")
    assert drawn.status_code == 201
    assert org_of(bob).pk in [c["organization"] for c in drawn.json()]
    check = SpotCheck.objects.get(organization=org_of(bob))
    listed = api(supervisor).get(reverse("api:credit-spot-checks") + "?period=2026-Q4").json()
    assert check.pk in [c["id"] for c in listed["results"]]
    recorded = api(supervisor).post(reverse("api:credit-spot-check-record", args=[check.pk]),
                                    {"findings": "材料齐全，未见异常。"}, format="json")
    assert recorded.status_code == 200 and recorded.json()["status"] == "done"
    rates = api(supervisor).get(reverse("api:credit-spot-check-rates")).json()
    assert [r["grade"] for r in rates] == ["A", "B", "C", "D"]


def test_the_schema_documents_the_credit_api(supervisor):
    schema = api(supervisor).get("/api/schema/", HTTP_ACCEPT="application/json")
    body = schema.content.decode()
    for path in ("/api/credit/records/{id}/repair/", "/api/credit/penalties/",
                 "/api/credit/spot-checks/draw/", "/api/notices/bad-behaviour/"):
        assert path in body


def test_public_lists_filter_and_refuse_a_bad_filter(collusion, bob, charlie):
    url = reverse("api:credit-bad-behaviour-public")
    assert len(api().get(url, {"q": org_of(bob).name[:4]}).json()["results"]) == 1
    assert api().get(url, {"q": "没有这个单位"}).json()["results"] == []
    bad = api().get(reverse("api:credit-penalties-public"), {"kind": "prison"})
    assert bad.status_code == 400 and "kind" in bad.json()
    page = Client().get(reverse("complaints:credit-bad-behaviour-public"), {"q": "没有这个单位"})
    assert org_of(bob).name not in page.content.decode()
