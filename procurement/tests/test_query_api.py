"""Questions to bidders, the re-tender and the assistant through the API."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from procurement.models import Bid, BidQuery, Project
from procurement.tests.test_queries import LOW, chair_of, open_lot, user_of

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_an_explanation_is_asked_answered_and_decided_through_the_api(demand, alice,
                                                                      approver, charlie):
    lot, committee = open_lot(demand, alice, approver, LOW[:3])
    chair = chair_of(committee)
    low = Bid.objects.get(lot=lot, supplier__name="投标人0")
    evaluation = api(chair).get(f"/api/lots/{lot.pk}/evaluation/").json()
    assert next(b for b in evaluation["bids"] if b["id"] == low.pk)["abnormally_low"]

    member = committee.members.exclude(role="chair").first().expert
    refused = api(member).post(f"/api/lots/{lot.pk}/bids/{low.pk}/explanation/", {})
    assert refused.status_code == 403 and not BidQuery.objects.exists()
    asked = api(chair).post(f"/api/lots/{lot.pk}/bids/{low.pk}/explanation/", {})
    assert asked.status_code == 201 and asked.json()["kind"] == "abnormally_low"
    query = asked.json()["id"]

    bidder = api(user_of(low))
    assert [q["id"] for q in bidder.get(f"/api/bids/{low.pk}/queries/").json()] == [query]
    assert api(charlie).get(f"/api/bids/{low.pk}/queries/").status_code == 404
    short = bidder.post(f"/api/bids/{low.pk}/queries/{query}/answer/", {"answer": "便宜"},
                        format="json")
    assert short.status_code == 400 and "第60条" in short.json()["basis"]
    answered = bidder.post(f"/api/bids/{low.pk}/queries/{query}/answer/",
                           {"answer": "原厂直供，无渠道费用，成本构成见附件。"}, format="json")
    assert answered.json()["status"] == "answered"
    decided = api(chair).post(f"/api/lots/{lot.pk}/queries/{query}/decide/",
                              {"accepted": False, "reason": "说明不足以证明报价合理"},
                              format="json")
    assert decided.json()["status"] == "rejected"
    evaluation = api(alice).get(f"/api/lots/{lot.pk}/evaluation/").json()
    bid = next(b for b in evaluation["bids"] if b["id"] == low.pk)
    assert any(not r["passed"] and "第60条" in r["reason"] for r in bid["reviews"])
    assert evaluation["queries"][0]["status"] == "rejected"


def test_a_price_correction_is_confirmed_through_the_api(demand, alice, approver):
    lot, _committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "price_words": "伍拾壹万元整"},
        {"price": Decimal("510000")}, {"price": Decimal("520000")}])
    bid = Bid.objects.get(lot=lot, supplier__name="投标人0")
    query = BidQuery.objects.get(bid=bid)
    response = api(user_of(bid)).post(f"/api/bids/{bid.pk}/queries/{query.pk}/answer/",
                                      {"confirm": True}, format="json")
    assert response.json()["status"] == "accepted"
    bid.refresh_from_db()
    assert bid.price == Decimal("510000")


def test_retender_and_assistant_through_the_api(approved, alice, purchaser_org):
    from accounts.models import Membership
    from accounts.tests.factories import MembershipFactory

    client = api(alice)
    outsider = UserFactory()
    refused = client.post(f"/api/projects/{approved.pk}/assistant/",
                          {"assistant": outsider.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "assistant"
    helper = UserFactory(real_name="王助理")
    MembershipFactory(user=helper, organization=purchaser_org, role=Membership.Role.OFFICER)
    named = client.post(f"/api/projects/{approved.pk}/assistant/", {"assistant": helper.pk},
                        format="json")
    assert named.json()["assistant"] == helper.pk
    # Nothing failed yet: nothing to procure again.
    assert client.post(f"/api/projects/{approved.pk}/retender/", {}).status_code == 409
    approved.lots.update(status="failed")
    Project.objects.filter(pk=approved.pk).update(status="failed")
    again = client.post(f"/api/projects/{approved.pk}/retender/", {}, format="json")
    assert again.status_code == 200 and again.json()["retender_of"] == approved.pk
    assert again.json()["status"] == "draft"


def test_each_project_step_documents_its_own_body(client, alice):
    client.force_login(alice)
    schema = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    summaries = {step: schema[f"/api/projects/{{id}}/{step}/"]["post"]["summary"]
                 for step in ("submit", "approve", "clarify", "retender", "assistant")}
    assert len(set(summaries.values())) == 5
    assert "requestBody" not in schema["/api/projects/{id}/submit/"]["post"]
