"""The evaluation API: the committee draw, reviews, scores, the report and the award
through the same services as the pages; outsiders get 404, refusals cite their basis."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from procurement import services
from procurement.models import Award, Bid, Committee, CommitteeMember, EvaluationResult, Review
from procurement.tests.fixtures import DEADLINE, NOW, PDF, pool

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def person_of(org):
    return org.memberships.get().user


def factors(lot):
    return list(lot.project.demand.criteria.exclude(kind="price"))


@pytest.fixture
def drawn(opened, alice):
    """The committee drawn from a pool of six (one expert is left out)."""
    lot, bidders = opened
    experts = pool(6)
    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    members = [m.expert for m in committee.members.all()]
    chair = committee.members.get(role=CommitteeMember.Role.CHAIR).expert
    outsider = next(e for e in experts if e not in members)
    return lot, bidders, members, chair, outsider


@pytest.fixture
def reported(drawn, alice):
    """Every bid reviewed and scored, the report in: ranked by price (equal points)."""
    lot, bidders, members, chair, outsider = drawn
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        for member in members:  # each member's own verdict (87号令 第61条)
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member)
        for expert in members:
            services.score_submit(bid=bid, expert=expert,
                                  points={c.pk: Decimal("10") for c in factors(lot)})
    services.evaluation_complete(lot=lot, actor=chair)
    lot.refresh_from_db()
    return lot, bidders, members, chair, outsider


@pytest.fixture
def awarded(reported, alice):
    lot = reported[0]
    award = services.award_confirm(lot=lot, bid=Bid.objects.get(lot=lot, result__rank=1),
                                   actor=alice)
    return award, reported


# --- the whole path ------------------------------------------------------------------

def test_the_evaluation_runs_through_the_api(opened, alice):
    lot, _bidders = opened
    pool(6)
    organiser = api(alice)
    url = reverse("api:evaluation", args=[lot.pk])
    before = organiser.get(url).json()
    assert before["committee"] is None and before["as_member"] is False
    assert [b["supplier"] for b in before["bids"]] == ["投标人0", "投标人1", "投标人2"]

    drawn = organiser.post(reverse("api:committee-draw", args=[lot.pk]))
    assert drawn.status_code == 201, drawn.content
    assert len(drawn.json()["members"]) == 5 and drawn.json()["pool_size"] == 6
    assert [m["role"] for m in drawn.json()["members"]].count("chair") == 1
    members = [m.expert for m in CommitteeMember.objects.filter(committee__lot=lot)]
    chair = CommitteeMember.objects.get(committee__lot=lot, role="chair").expert

    bids = list(Bid.objects.filter(lot=lot).order_by("price"))
    for bid in bids:
        response = organiser.post(reverse("api:bid-review", args=[lot.pk, bid.pk]),
                                  {"stage": "qualification", "passed": True}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["stage"] == "qualification" and response.json()["passed"]
    for expert in members:
        client = api(expert)
        for bid in bids:
            # Every member gives a compliance verdict of their own (87号令 第61条).
            response = client.post(reverse("api:bid-review", args=[lot.pk, bid.pk]),
                                   {"stage": "compliance", "passed": True}, format="json")
            assert response.status_code == 200, response.content
            points = {str(c.pk): "12.5" if bid == bids[2] else "10" for c in factors(lot)}
            response = client.post(reverse("api:bid-score", args=[lot.pk, bid.pk]),
                                   {"points": points}, format="json")
            assert response.status_code == 200, response.content
            assert response.json()["points"] == {
                k: "12.50" if bid == bids[2] else "10.00" for k in points}

    # A member sees its own scores; the organiser sees none.
    seen = api(members[1]).get(url).json()
    assert seen["as_member"] is True and seen["is_chair"] is (members[1] == chair)
    assert seen["bids"][0]["my_scores"] == {str(c.pk): "10.00" for c in factors(lot)}
    assert organiser.get(url).json()["bids"][0]["my_scores"] is None

    report = api(chair).post(reverse("api:evaluation-report", args=[lot.pk]))
    assert report.status_code == 200, report.content
    results = report.json()["results"]
    assert [r["supplier"] for r in results] == ["投标人2", "投标人0", "投标人1"]
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert report.json()["lot_status"] == "evaluating"

    view = organiser.get(url).json()
    assert view["committee"]["report_at"] and view["results"] == results
    assert {r["stage"] for b in view["bids"] for r in b["reviews"]} == {"qualification",
                                                                        "compliance"}

    award = organiser.post(reverse("api:award-confirm", args=[lot.pk]),
                           {"bid": bids[2].pk}, format="json")
    assert award.status_code == 201, award.content
    data = award.json()
    assert data["winner"] == "投标人2" and data["amount"] == "500002.00"
    assert Award.objects.get(lot=lot).pk == data["id"]
    assert data["notice_url"] == reverse("api:award-notice", args=[data["id"]])
    pdf = organiser.get(data["notice_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    final = organiser.get(url).json()
    assert final["lot_status"] == "awarded" and final["award"]["id"] == data["id"]


# --- refusals ------------------------------------------------------------------------

def assert_only_the_refusal(before: int, action: str, code: str) -> None:
    """Nothing was done, and the refusal is in the audit trail once — recorded by the
    service (core.refusals), as for a refusal through the page."""
    new = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.detail.get("code")) for e in new] == [(action, code)]


def test_only_the_chair_submits_the_report(drawn, alice):
    lot, _bidders, members, chair, _outsider = drawn
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        for member in members:  # each member's own verdict (87号令 第61条)
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member)
    member = api(next(m for m in members if m != chair))
    events = AuditEvent.objects.count()  # after the log-in, which is audited
    response = member.post(reverse("api:evaluation-report", args=[lot.pk]))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert Committee.objects.get(lot=lot).report_at is None
    assert not EvaluationResult.objects.exists()
    assert_only_the_refusal(events, "evaluation.complete_refused", "permission_denied")
    # The organiser is not on the committee at all: 404, as for any outsider.
    assert api(alice).post(reverse("api:evaluation-report",
                                   args=[lot.pk])).status_code == 404
    # The chair, before every member has scored: refused, with nothing saved.
    response = api(chair).post(reverse("api:evaluation-report", args=[lot.pk]))
    assert response.status_code == 400 and response.json()["code"] == "scores_incomplete"
    assert Committee.objects.get(lot=lot).report_at is None


def test_the_winner_is_confirmed_in_ranking_order(reported, alice):
    lot = reported[0]
    second = Bid.objects.get(lot=lot, result__rank=2)
    organiser = api(alice)
    events = AuditEvent.objects.count()
    response = organiser.post(reverse("api:award-confirm", args=[lot.pk]),
                              {"bid": second.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "ranking_order"
    assert response.json()["basis"] == "条例 第43条"
    assert not Award.objects.exists()
    assert_only_the_refusal(events, "award.confirm_refused", "ranking_order")
    lot.refresh_from_db()
    assert lot.status == "evaluating"
    # A bid of another lot, or none at all, is a shape error.
    response = api(alice).post(reverse("api:award-confirm", args=[lot.pk]), {"bid": 999999},
                               format="json")
    assert response.status_code == 400 and "bid" in response.json()


def test_a_failed_review_needs_its_reason(drawn, alice):
    lot, _bidders, members, _chair, _outsider = drawn
    bid = Bid.objects.filter(lot=lot).first()
    member = api(members[0])
    events = AuditEvent.objects.count()
    response = member.post(reverse("api:bid-review", args=[lot.pk, bid.pk]),
                           {"stage": "compliance", "passed": False, "reason": " "},
                           format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "reason_required" and body["basis"] == "87号令 第69条"
    assert body["field"] == "reason"
    assert not Review.objects.exists()
    assert_only_the_refusal(events, "bid.review_refused", "reason_required")
    lot.refresh_from_db()
    assert lot.status == "opened"  # nothing moved
    # A stage that does not exist is a shape error.
    response = api(alice).post(reverse("api:bid-review", args=[lot.pk, bid.pk]),
                               {"stage": "price", "passed": True}, format="json")
    assert response.status_code == 400 and "stage" in response.json()


def test_scores_outside_the_weight_are_refused(drawn):
    lot, _bidders, members, _chair, _outsider = drawn
    bid = Bid.objects.filter(lot=lot).first()
    technical, service = factors(lot)
    url = reverse("api:bid-score", args=[lot.pk, bid.pk])
    response = api(members[0]).post(url, {"points": {str(technical.pk): "46",
                                                     str(service.pk): "1"}}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "score_range"
    response = api(members[0]).post(url, {"points": {"technical": "1"}}, format="json")
    assert response.status_code == 400 and "points" in response.json()
    assert not bid.scores.exists()


def test_outsiders_get_404_and_supervision_only_reads(drawn, alice, charlie, supervisor):
    lot, _bidders, members, _chair, outsider = drawn
    bid = Bid.objects.filter(lot=lot).first()
    evaluation = reverse("api:evaluation", args=[lot.pk])
    review = reverse("api:bid-review", args=[lot.pk, bid.pk])
    for stranger in (charlie, outsider):
        client = api(stranger)
        assert client.get(evaluation).status_code == 404
        assert client.post(reverse("api:committee-draw", args=[lot.pk])).status_code == 404
        for stage in ("qualification", "compliance"):
            assert client.post(review, {"stage": stage, "passed": True},
                               format="json").status_code == 404
        assert client.post(reverse("api:bid-score", args=[lot.pk, bid.pk]),
                           {"points": {"1": "1"}}, format="json").status_code == 404
        assert client.post(reverse("api:award-confirm", args=[lot.pk]),
                           {"bid": bid.pk}, format="json").status_code == 404
    # Each stage has its reviewer: a member cannot qualify, the organiser cannot comply.
    assert api(members[0]).post(review, {"stage": "qualification", "passed": True},
                                format="json").status_code == 404
    assert api(alice).post(review, {"stage": "compliance", "passed": True},
                           format="json").status_code == 404
    # A lot that does not exist: 404 too.
    assert api(alice).post(reverse("api:bid-review", args=[lot.pk + 1000, bid.pk]),
                           {"stage": "qualification", "passed": True},
                           format="json").status_code == 404
    # Supervision reads everything and changes nothing.
    finance = api(supervisor)
    seen = finance.get(evaluation)
    assert seen.status_code == 200 and len(seen.json()["committee"]["members"]) == 5
    refused = finance.post(review, {"stage": "qualification", "passed": True}, format="json")
    assert refused.status_code == 403 and not Review.objects.exists()
    assert not api(supervisor).get(evaluation).json()["as_member"]
    assert api(charlie).get(reverse("api:bid-result", args=[bid.pk])).status_code == 404


def test_a_committee_is_drawn_once(drawn, alice):
    lot = drawn[0]
    response = api(alice).post(reverse("api:committee-draw", args=[lot.pk]))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert Committee.objects.filter(lot=lot).count() == 1


def test_a_pool_too_small_is_refused_with_its_basis(opened, alice):
    lot, _bidders = opened
    pool(4)
    response = api(alice).post(reverse("api:committee-draw", args=[lot.pk]))
    assert response.status_code == 400
    assert response.json()["code"] == "pool_too_small" and "87号令" in response.json()["basis"]
    assert not Committee.objects.exists()


@pytest.fixture
def sealed_lot(approved, alice):
    """Announced and bid on, not yet opened."""
    from accounts.models import Membership
    from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory

    services.project_announce(project=approved, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    lot = approved.lots.get()
    org = SupplierFactory(name="密封投标人")
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    bid = services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("512345.67"),
                              sme_scale="small", sme_items_by_smes=True, contact_name="x",
                              contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                              now=NOW + dt.timedelta(days=2))
    return lot, bid, user


def test_nothing_about_sealed_bids_is_returned(sealed_lot, alice, supervisor):
    lot, bid, bidder = sealed_lot
    for user in (alice, supervisor):
        response = api(user).get(reverse("api:evaluation", args=[lot.pk]))
        assert response.status_code == 200
        assert response.json()["bids"] == [] and response.json()["results"] == []
        assert "512345" not in response.content.decode()
    review = api(alice).post(reverse("api:bid-review", args=[lot.pk, bid.pk]),
                             {"stage": "qualification", "passed": True}, format="json")
    assert review.status_code == 404 and not Review.objects.exists()
    own = api(bidder).get(reverse("api:bid-result", args=[bid.pk])).json()
    assert own["status"] == "sealed" and own["published"] is False
    assert own["reviews"] == [] and own["result"] is None


# --- the award notice ----------------------------------------------------------------

def test_the_award_notice_goes_to_those_entitled_only(awarded, alice, charlie, supervisor):
    award, (_lot, bidders, members, _chair, _outsider) = awarded
    winner = person_of(award.bid.supplier)
    loser = person_of(next(b for b in bidders if b != award.bid.supplier))
    url = reverse("api:award-notice", args=[award.pk])
    page = reverse("procurement:award-notice", args=[award.pk])
    for user in (winner, alice, supervisor):
        response = api(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert api(user).get(page).status_code == 200  # the browser view: the same people
    for user in (loser, charlie, members[0]):
        assert api(user).get(url).status_code == 404, user
        assert api(user).get(url, HTTP_ACCEPT="application/pdf").status_code == 404
        assert api(user).get(page).status_code == 404
    assert api(alice).get(reverse("api:award-notice", args=[award.pk + 1])).status_code == 404
    assert APIClient().get(url).status_code == 403  # anonymous: not authenticated


# --- the bidder's own result ---------------------------------------------------------

def test_a_bidder_sees_its_own_result_only(awarded, alice):
    award, (lot, _bidders, _members, _chair, _outsider) = awarded
    losing = Bid.objects.get(lot=lot, result__rank=3)
    loser = person_of(losing.supplier)
    own = api(loser).get(reverse("api:bid-result", args=[losing.pk]))
    assert own.status_code == 200
    data = own.json()
    assert data["published"] is True and data["status"] == "lost"
    assert data["result"]["rank"] == 3 and data["result"]["total"]
    assert {r["stage"] for r in data["reviews"]} == {"qualification", "compliance"}
    assert data["award"] is None
    # Someone else's bid, the winner's included: 404. The purchaser is no supplier: 404.
    for other in Bid.objects.filter(lot=lot).exclude(pk=losing.pk):
        assert api(loser).get(reverse("api:bid-result", args=[other.pk])).status_code == 404
    assert api(alice).get(reverse("api:bid-result", args=[losing.pk])).status_code == 404
    # The winner learns its award and where the notice is.
    won = api(person_of(award.bid.supplier)).get(
        reverse("api:bid-result", args=[award.bid_id])).json()
    assert won["status"] == "won" and won["result"]["rank"] == 1
    assert won["award"]["notice_url"] == reverse("api:award-notice", args=[award.pk])
    assert won["award"]["sign_due"] and won["award"]["assistant"]


def test_a_rejected_bidder_reads_the_reason(drawn, alice):
    lot, bidders, members, chair, _outsider = drawn
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
    failing = Bid.objects.get(lot=lot, supplier=bidders[1])
    reason = "技术参数第3项不满足实质性要求"
    for bid in Bid.objects.filter(lot=lot):
        ok = bid != failing
        for member in members:
            response = api(member).post(
                reverse("api:bid-review", args=[lot.pk, bid.pk]),
                {"stage": "compliance", "passed": ok, "reason": "" if ok else reason},
                format="json")
            assert response.status_code == 200, response.content
    # Before the result is out the bidder learns nothing of the reviews.
    bidder = person_of(bidders[1])
    url = reverse("api:bid-result", args=[failing.pk])
    assert api(bidder).get(url).json()["reviews"] == []
    # Two qualified bids are too few: the lot fails (87号令 第44条).
    report = api(chair).post(reverse("api:evaluation-report", args=[lot.pk]))
    assert report.status_code == 200 and report.json()["lot_status"] == "failed"
    assert report.json()["results"] == [] and "87号令 第44条" in report.json()["failure_reason"]
    data = api(bidder).get(url).json()
    assert data["published"] is True and data["status"] == "rejected"
    assert {"stage": "compliance", "passed": False, "reason": reason}.items() <= next(
        r for r in data["reviews"] if r["stage"] == "compliance").items()


# --- the schema ----------------------------------------------------------------------

def test_the_schema_documents_the_new_endpoints_without_warnings(alice):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
        noise = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
                 if "procurement/apis" in m or "procurement.apis" in m]
    assert noise == []
    paths = schema["paths"]
    expected = {
        ("/api/lots/{id}/evaluation/", "get"), ("/api/lots/{id}/committee/", "post"),
        ("/api/lots/{id}/bids/{bid_pk}/reviews/", "post"),
        ("/api/lots/{id}/bids/{bid_pk}/scores/", "post"), ("/api/lots/{id}/report/", "post"),
        ("/api/lots/{id}/award/", "post"), ("/api/awards/{id}/notice.pdf", "get"),
        ("/api/bids/{id}/result/", "get")}
    for path, method in expected:
        assert paths[path][method]["summary"], (path, method)
    assert "application/pdf" in paths["/api/awards/{id}/notice.pdf"]["get"]["responses"][
        "200"]["content"]
    assert api(alice).get(reverse("api-schema")).status_code == 200
