from decimal import Decimal

import pytest

from core.exceptions import DomainError
from deadlines.models import Deadline
from procurement import services
from procurement.models import Bid, EvaluationResult, Lot, Review
from procurement.tests.fixtures import DEADLINE, pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(opened, alice):
    lot, _bidders = opened
    pool(5)
    return services.committee_draw(lot=lot, actor=alice, now=DEADLINE)


def review_all(lot, alice, members, failing=()):
    for bid in Bid.objects.filter(lot=lot, status="opened"):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        ok = bid.supplier.name not in failing
        for member in members:
            services.bid_review(bid=bid, stage="compliance", passed=ok,
                                reason="" if ok else "技术参数第3项不满足实质性要求", actor=member)


def test_the_committee_ranks_and_the_purchasers_clock_starts(committee, alice):
    lot = committee.lot
    members = [m.expert for m in committee.members.all()]
    chair = committee.members.get(role="chair").expert
    review_all(lot, alice, members)
    criteria = {c.name: c for c in lot.project.demand.criteria.exclude(kind="price")}
    # 投标人2 (the dearest) has the best technical offer.
    for bid in Bid.objects.filter(lot=lot):
        best = bid.supplier.name == "投标人2"
        for expert in members:
            services.score_submit(bid=bid, expert=expert, points={
                criteria["技术参数响应"].pk: Decimal("44") if best else Decimal("30"),
                criteria["售后服务方案"].pk: Decimal("14")})
    results = services.evaluation_complete(lot=lot, actor=chair)
    assert [r.bid.supplier.name for r in results] == ["投标人2", "投标人0", "投标人1"]
    top = results[0]
    # Reserved lot: no deduction; price weight 40: 500000/500002*40 = 40.00 → +58 = 98.00
    assert top.deduction == 0 and top.total == Decimal("98.00") and top.rank == 1
    assert set(Bid.objects.filter(lot=lot).values_list("status", flat=True)) == {"scored"}
    clock = Deadline.objects.get(clock="award.confirm")
    assert clock.organization == lot.project.purchaser and clock.basis == "条例 第43条"
    assert (clock.amount, clock.unit) == (5, "workdays")


def test_a_failure_needs_a_reason_and_bidders_are_told_it(committee, alice):
    lot = committee.lot
    member = committee.members.first().expert
    bid = Bid.objects.filter(lot=lot).first()
    with pytest.raises(DomainError) as exc:
        services.bid_review(bid=bid, stage="compliance", passed=False, reason="", actor=member)
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError):  # compliance is the committee's, not the purchaser's
        services.bid_review(bid=bid, stage="compliance", passed=True, actor=alice)


def test_fewer_than_three_qualified_fails_the_lot(committee, alice):
    lot = committee.lot
    members = [m.expert for m in committee.members.all()]
    chair = committee.members.get(role="chair").expert
    review_all(lot, alice, members, failing=("投标人1",))
    assert services.evaluation_complete(lot=lot, actor=chair) == []
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED and "87号令 第44条" in lot.failure_reason
    assert Review.objects.filter(passed=False).count() == 5  # one per member
    assert Bid.objects.filter(lot=lot, status="rejected").count() == 1
    # The same consequences as a failure at opening: a public notice, everyone told,
    # and the project follows its only lot.
    from notifications.models import Message

    assert lot.project.announcements.filter(kind="failure").exists()
    lot.project.refresh_from_db()
    assert lot.project.status == "failed"
    assert Message.objects.filter(category="procurement.opening", channel="inapp",
                                  recipient=alice).exists()


def test_every_member_must_score_before_the_report(committee, alice):
    lot = committee.lot
    members = [m.expert for m in committee.members.all()]
    chair = committee.members.get(role="chair").expert
    review_all(lot, alice, members)
    with pytest.raises(DomainError) as exc:
        services.evaluation_complete(lot=lot, actor=chair)
    assert exc.value.code == "scores_incomplete"
    assert not EvaluationResult.objects.exists()


def test_points_stay_within_the_factors_weight(committee, alice):
    lot = committee.lot
    expert = committee.members.first().expert
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    bid = Bid.objects.filter(lot=lot).first()
    with pytest.raises(DomainError):
        services.score_submit(bid=bid, expert=expert,
                              points={criteria[0].pk: Decimal("46"),
                                      criteria[1].pk: Decimal("1")})
    with pytest.raises(DomainError):  # not a member
        services.score_submit(bid=bid, expert=alice,
                              points={c.pk: Decimal("1") for c in criteria})


@pytest.fixture
def reported(committee, alice):
    lot = committee.lot
    members = [m.expert for m in committee.members.all()]
    review_all(lot, alice, members)
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot):
        for expert in members:
            services.score_submit(bid=bid, expert=expert,
                                  points={c.pk: Decimal("10") for c in criteria})
    services.evaluation_complete(lot=lot, actor=committee.members.get(role="chair").expert)
    lot.refresh_from_db()
    return lot


def test_the_award_in_ranking_order_with_notice_announcement_and_clocks(reported, alice):
    import hashlib
    import subprocess

    from notifications.models import Message
    from procurement.models import Announcement

    lot = reported
    first, second = (r.bid for r in EvaluationResult.objects.order_by("rank")[:2])
    with pytest.raises(DomainError) as exc:
        services.award_confirm(lot=lot, bid=second, actor=alice)
    assert exc.value.code == "ranking_order" and "条例 第43条" in exc.value.basis

    award = services.award_confirm(lot=lot, bid=first, actor=alice)
    lot.refresh_from_db()
    assert lot.status == "awarded" and lot.project.status == "awarded"
    first.refresh_from_db()
    assert first.status == "won" and set(Bid.objects.exclude(pk=first.pk).values_list(
        "status", flat=True)) == {"lost"}
    # The notice: a real PDF naming the winner and the amount, in Chinese words too.
    data = award.notice_pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == award.notice_sha256
    text = subprocess.run(["pdftotext", award.notice_pdf.path, "-"], capture_output=True,
                          text=True).stdout
    assert first.supplier.name in text and "500,000.00" in text and "伍拾万元整" in text
    # Clocks: confirmation met, signing started (2 working days, 春风行动 第18条).
    assert Deadline.objects.get(clock="award.confirm").status == "met"
    sign = Deadline.objects.get(clock="contract.sign")
    assert sign.status == "open" and sign.basis == "春风行动 第18条"
    # Public result announcement; losing bidders learn their own score and rank.
    result = Announcement.objects.get(kind="result")
    assert first.supplier.name in result.body and "评审专家" in result.body
    loser = Bid.objects.filter(status="lost").first()
    message = Message.objects.filter(category="procurement.result", channel="inapp",
                                     recipient__memberships__organization=loser.supplier).get()
    assert f"排名第{loser.result.rank}" in message.body


def test_an_abnormally_low_winner_needs_an_accepted_explanation(reported, alice):
    result = EvaluationResult.objects.get(rank=1)
    EvaluationResult.objects.filter(pk=result.pk).update(abnormally_low=True)
    with pytest.raises(DomainError) as exc:
        services.award_confirm(lot=reported, bid=result.bid, actor=alice)
    assert "87号令 第60条" in exc.value.basis


def test_the_award_notice_downloads_only_for_those_entitled(reported, alice, charlie,
                                                            client):
    first = EvaluationResult.objects.get(rank=1).bid
    award = services.award_confirm(lot=reported, bid=first, actor=alice)
    url = f"/procurement/awards/{award.pk}/notice.pdf"
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(charlie)
    assert client.get(url).status_code == 404
