"""The signing clock runs out across the National Day holiday: the winner and the
purchaser are reminded, the clock turns overdue, and the finance bureau is alerted —
seen in the browser by the people who receive them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from contracts.tests.fixtures import award_lot
from deadlines import services as clocks
from deadlines.models import Deadline
from notifications.models import Message
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


def test_the_signing_clock_runs_out_across_national_day(reference, opened, alice, supervisor,
                                                        password, live_server, page,
                                                        screenshot):
    lot, _bidders = opened
    # The award notice goes out on the eve of the holiday (Wednesday 30 September).
    award = award_lot(lot, alice, now=dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST))
    clock = Deadline.objects.get(clock="contract.sign")
    # 2 working days, skipping 1–7 October: Thursday 8 and Friday 9 October.
    assert clock.due_at == dt.datetime(2026, 10, 9, 23, 59, 59, tzinfo=CST)
    assert clock.basis == "春风行动 第18条"
    winner = award.bid.supplier.memberships.get().user
    assert winner in clock.responsible_users.all()

    # Nothing is due during the holiday; the reminders come on the working days.
    clocks.deadlines_sweep(now=dt.datetime(2026, 10, 5, 9, 0, tzinfo=CST))
    assert not Message.objects.filter(category="deadline.reminder").exists()
    clocks.deadlines_sweep(now=dt.datetime(2026, 10, 9, 8, 0, tzinfo=CST))
    clocks.deadlines_sweep(now=dt.datetime(2026, 10, 9, 22, 30, tzinfo=CST))
    reminders = Message.objects.filter(category="deadline.reminder", recipient=winner,
                                       channel="inapp")
    assert reminders.count() == 2
    # Saturday 10 October is an adjusted working day: overdue, and escalated.
    clocks.deadlines_sweep(now=dt.datetime(2026, 10, 10, 9, 0, tzinfo=CST))
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.OVERDUE
    assert Message.objects.filter(category="deadline.overdue", recipient=alice).exists()
    assert Message.objects.filter(category="deadline.escalation",
                                  recipient=supervisor).exists()

    # The winner sees the reminders in the inbox.
    login(page, live_server, winner.username, password)
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.inner_text("main")
    assert "提醒：签订合同" in inbox or "提醒" in inbox
    assert "已逾期" in inbox
    screenshot("winner-inbox")
    logout(page)

    # The finance bureau sees the overdue clock in its list and the alert in its inbox.
    login(page, live_server, supervisor.username, password)
    page.goto(f"{live_server.url}/deadlines/")
    row = page.get_by_test_id("deadline-table").locator("tr", has_text=lot.project.code)
    text = row.first.inner_text()
    assert "2026-10-09" in text and "春风行动 第18条" in text
    screenshot("supervision-deadlines")
    page.goto(f"{live_server.url}/inbox/")
    assert "督办" in page.inner_text("main")
    screenshot("supervision-inbox")
