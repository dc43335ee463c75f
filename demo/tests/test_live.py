"""The demo moves by itself under ``make run``: a tender whose deadline is minutes away
and a lot whose committee waits to score (demo.live)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.live import LIVE_TITLE, SCORING_TITLE
from procurement.models import Bid, CommitteeMember, Lot, Project, Score
from procurement.services import lots_open_due


def _live():
    return Project.objects.filter(title=LIVE_TITLE).order_by("-bid_deadline")


@pytest.mark.django_db
def test_the_seed_leaves_a_tender_opening_within_minutes_and_a_lot_waiting_for_scores():
    call_command("seed_demo", force=True)
    now = timezone.now()
    live = _live().get()
    assert live.status == Project.Status.ANNOUNCED
    assert now < live.bid_deadline <= now + dt.timedelta(minutes=10)
    lot = live.lots.get()
    assert lot.status == Lot.Status.BIDDING
    assert lot.bids.filter(status=Bid.Status.SEALED).count() >= 3

    waiting = Lot.objects.get(project__title=SCORING_TITLE)
    assert waiting.status in (Lot.Status.OPENED, Lot.Status.EVALUATING)
    members = CommitteeMember.objects.filter(committee__lot=waiting)
    # The bidders' conflicts leave exactly five experts: the README names them.
    assert sorted(members.values_list("expert__username", flat=True)) == [
        "zj2", "zj4", "zj5", "zj7", "zj8"]
    assert not Score.objects.filter(bid__lot=waiting).exists()
    assert waiting.committee.report_at is None

    # The minute beat, once the deadline has passed, opens it with no one's click.
    assert lots_open_due(now=live.bid_deadline - dt.timedelta(seconds=1)) == 0
    assert lots_open_due(now=live.bid_deadline + dt.timedelta(seconds=30)) >= 1
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED
    assert lot.bids.filter(status=Bid.Status.OPENED).count() == 3


@pytest.mark.django_db
def test_a_rerun_announces_a_fresh_live_tender_once_the_last_one_has_closed():
    call_command("seed_demo", force=True)
    first = _live().get()
    call_command("seed_demo", force=True)  # minutes later: the same one still opens
    assert _live().count() == 1
    Project.objects.filter(pk=first.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(days=1))  # as if seeded yesterday
    call_command("seed_demo", force=True)
    fresh = _live().first()
    assert fresh.pk != first.pk and fresh.status == Project.Status.ANNOUNCED
    assert fresh.bid_deadline > timezone.now()
    assert Lot.objects.filter(project__title=SCORING_TITLE).count() == 1


@pytest.mark.django_db
def test_a_drawn_expert_sees_the_waiting_lot_and_opens_its_scoring_page(client):
    from accounts.models import User

    call_command("seed_demo", force=True)
    waiting = Lot.objects.get(project__title=SCORING_TITLE)
    client.force_login(User.objects.get(username="zj2"))
    page = client.get("/expert/").content.decode()
    assert SCORING_TITLE in page
    response = client.get(f"/procurement/lots/{waiting.pk}/committee/")
    assert response.status_code == 200
    assert waiting.bids.filter(status=Bid.Status.OPENED).first().supplier.name in \
        response.content.decode()
