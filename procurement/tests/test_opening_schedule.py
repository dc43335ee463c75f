"""Opening at the deadline by the workers, never by a page view (87号令 第39条).

``tasks.open_project_at_deadline`` runs with the bid deadline as its ETA, sent by
the minute beat once the deadline is within ``OPENING_HORIZON`` (at once when a
deadline set is already that near); a clarification that moves the deadline has
it sent again for the new one. The task scheduled for the old deadline
then finds nothing due. The minute beat (``tasks.open_due_lots``) opens a lot whose
task was lost.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from core.models import StatusChange
from procurement import services, tasks
from procurement.models import Lot
from procurement.tests.fixtures import DEADLINE, NOW, PDF

pytestmark = pytest.mark.django_db


def _seal_three(lot):
    for i in range(3):
        org = SupplierFactory(name=f"投标人{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("500000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)],
                            now=NOW + dt.timedelta(days=2))


def _clock(at):
    """The server clock the workers read, set to ``at``."""
    return mock.patch("django.utils.timezone.now", return_value=at)


def _announce(project, alice):
    services.project_announce(project=project, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)


def test_the_opening_is_scheduled_for_the_deadline_and_moves_with_it(
        approved, alice, django_capture_on_commit_callbacks):
    task = tasks.open_project_at_deadline
    with mock.patch.object(task, "apply_async") as schedule:
        with _clock(NOW), django_capture_on_commit_callbacks(execute=True):
            _announce(approved, alice)
        # Weeks ahead: no task waits in the broker that long (Redis would redeliver it).
        assert not schedule.called
        with _clock(DEADLINE - tasks.OPENING_HORIZON - dt.timedelta(minutes=1)):
            tasks.open_due_lots.apply()
        assert not schedule.called
        # Within the horizon the beat sends it with the deadline as its ETA, once.
        with _clock(DEADLINE - dt.timedelta(minutes=9)):
            tasks.open_due_lots.apply()
        with _clock(DEADLINE - dt.timedelta(minutes=8)):
            tasks.open_due_lots.apply()
        schedule.assert_called_once_with(args=[approved.pk], eta=DEADLINE)

        with _clock(DEADLINE - dt.timedelta(days=2)), \
                django_capture_on_commit_callbacks(execute=True):
            services.announcement_clarify(project=approved, actor=alice,
                                          text="第二章技术参数第3项更正为不低于8核。",
                                          affects_bids=True, now=DEADLINE - dt.timedelta(days=2))
        approved.refresh_from_db()
        moved = approved.bid_deadline
        assert moved > DEADLINE
        assert schedule.call_count == 1  # the new deadline is days away: the beat sends it
        with _clock(moved - dt.timedelta(minutes=5)):
            tasks.open_due_lots.apply()
        assert schedule.call_args_list[-1] == mock.call(args=[approved.pk], eta=moved)
        assert schedule.call_count == 2

        # A deadline already near when it is set is sent at once, on commit.
        assert tasks.schedule_opening(approved.pk, moved + dt.timedelta(minutes=1),
                                      now=moved - dt.timedelta(minutes=3))
        assert schedule.call_args_list[-1] == mock.call(
            args=[approved.pk], eta=moved + dt.timedelta(minutes=1))

    lot = approved.lots.get()
    _seal_three(lot)
    # The task scheduled for the old deadline runs: nothing is due, nothing is done.
    with _clock(DEADLINE + dt.timedelta(seconds=1)):
        assert task.apply(args=[approved.pk]).get() == 0
    lot.refresh_from_db()
    assert lot.status == Lot.Status.BIDDING and lot.opened_at is None
    assert [r.step for r in StatusChange.of(lot)] == ["announce"]
    # The task for the deadline as it is now opens the lot.
    with _clock(moved):
        assert task.apply(args=[approved.pk]).get() == 1
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED and lot.opened_at == moved
    assert lot.bids.filter(status="opened").count() == 3
    with _clock(moved + dt.timedelta(minutes=1)):  # run twice: opened once
        assert task.apply(args=[approved.pk]).get() == 0
    assert [r.step for r in StatusChange.of(lot)] == ["announce", "open"]


def test_the_beat_opens_a_lot_whose_task_was_lost(approved, alice):
    # The announcement's transaction never commits here, so its task is never sent:
    # as if the broker had lost it.
    _announce(approved, alice)
    lot = approved.lots.get()
    _seal_three(lot)
    with _clock(DEADLINE - dt.timedelta(seconds=1)):
        assert tasks.open_due_lots.apply().get() == 0
    lot.refresh_from_db()
    assert lot.status == Lot.Status.BIDDING
    with _clock(DEADLINE + dt.timedelta(seconds=30)):
        assert tasks.open_due_lots.apply().get() == 1
        assert tasks.open_due_lots.apply().get() == 0
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED
    approved.refresh_from_db()
    assert approved.status == "opened"


def test_a_deleted_project_is_nothing_to_open():
    assert tasks.open_project_at_deadline.apply(args=[987654]).get() == 0
