import datetime as dt
import re

import pytest
from django.db import connection

from audit.models import AuditEvent
from core.tests.concurrency import at_once
from deadlines import services
from deadlines.models import Deadline, Reminder
from deadlines.tests.conftest import at
from notifications.models import Message


def open_sign(award, org):
    # Mon 2025-06-02 10:00 → due Wed 06-04 23:59:59; reminders Tue 23:59:59 and Wed 21:59:59.
    return services.deadline_open(subject=award, clock="contract.sign", organization=org,
                                  start=at(2025, 6, 2, 10, 0), now=at(2025, 6, 2, 10, 0))


def assert_exactly_once(n, officer, supervisor):
    """Every one of the ``n`` clocks went overdue once: one reminder row each, one message
    per person and channel each, and each clock in exactly one digest."""
    assert Reminder.objects.filter(kind="overdue").count() == n
    assert Reminder.objects.filter(kind="overdue", digest_pending=False,
                                   digested_at__isnull=False).count() == n
    keys = list(Message.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))
    assert Message.objects.filter(category="deadline.overdue", channel="sms",
                                  recipient=officer).count() == n
    digests = Message.objects.filter(category="deadline.escalation", channel="inapp",
                                     recipient=supervisor)
    assert sum(int(re.search(r"\d+", m.subject).group()) for m in digests) == n
    listed = [line.split(". ", 1)[1] for m in digests for line in m.body.splitlines()[1:]
              if ". " in line]
    assert len(listed) == len(set(listed))


def reminder_sms(kind):
    return Message.objects.filter(channel="sms", idempotency_key__startswith="deadline:",
                                  idempotency_key__contains=f":{kind}:")


@pytest.mark.django_db
class TestSweep:
    def test_reminders_go_out_once_each_then_overdue_and_escalation(
        self, award, purchaser_org, alice, leader, finance_admin
    ):
        d = open_sign(award, purchaser_org)
        assert d.next_action_at == at(2025, 6, 3, 23, 59, 59)

        nothing = services.deadlines_sweep(now=at(2025, 6, 3, 12, 0))
        assert nothing.examined == 0

        first = services.deadlines_sweep(now=at(2025, 6, 4, 0, 5))
        assert first.reminders == 1
        assert reminder_sms("before_1wd").count() == 1
        assert reminder_sms("before_1wd").get().recipient == alice
        again = services.deadlines_sweep(now=at(2025, 6, 4, 0, 6))
        assert again.examined == 0 and reminder_sms("before_1wd").count() == 1

        services.deadlines_sweep(now=at(2025, 6, 4, 22, 30))
        assert reminder_sms("before_2h").count() == 1

        late = services.deadlines_sweep(now=at(2025, 6, 5, 0, 1))
        d.refresh_from_db()
        assert d.status == Deadline.Status.OVERDUE and late.overdue == 1
        assert d.next_action_at is None and d.escalated_at is not None
        assert reminder_sms("overdue").filter(recipient=alice).count() == 1
        # The leader and the finance bureau get the sweep's digest, not a message per clock.
        digests = Message.objects.filter(category="deadline.escalation")
        assert {m.recipient for m in digests} == {finance_admin, leader}
        assert sorted(digests.filter(recipient=leader).values_list("channel", flat=True)) \
            == ["email", "inapp", "sms"]
        assert "某某项目中标通知书" in digests.get(recipient=leader, channel="inapp").body
        assert AuditEvent.objects.filter(action="deadline.overdue").count() == 1
        assert not Reminder.objects.filter(digest_pending=True).exists()

        services.deadlines_sweep(now=at(2025, 6, 6, 9, 0))
        assert digests.count() == 6  # nothing new

    def test_a_late_sweep_sends_only_the_latest_reminder(self, award, purchaser_org, alice):
        open_sign(award, purchaser_org)
        result = services.deadlines_sweep(now=at(2025, 6, 4, 23, 0))
        assert result.reminders == 1 and result.skipped == 1
        assert reminder_sms("before_2h").count() == 1
        assert not reminder_sms("before_1wd").exists()
        assert Reminder.objects.get(kind="before_1wd").skipped

    def test_met_clocks_are_left_alone(self, award, purchaser_org, alice):
        open_sign(award, purchaser_org)
        services.deadline_meet(subject=award, clock="contract.sign", at=at(2025, 6, 3, 9, 0))
        result = services.deadlines_sweep(now=at(2025, 6, 9))
        assert result.examined == 0
        assert Deadline.objects.get().status == Deadline.Status.MET

    def test_sweep_works_in_bounded_batches(self, purchaser_org, alice):
        from accounts.tests.factories import OrganizationFactory

        for _ in range(7):
            services.deadline_open(subject=OrganizationFactory(), clock="contract.sign",
                                   organization=purchaser_org, start=at(2025, 6, 2, 10, 0),
                                   now=at(2025, 6, 2, 10, 0))
        result = services.deadlines_sweep(now=at(2025, 6, 5, 1, 0), batch_size=3)
        assert result.overdue == 7 and result.batches == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_two_concurrent_sweeps_send_no_duplicates(purchaser_org, alice, finance_admin):
    from accounts.tests.factories import OrganizationFactory

    for _ in range(40):
        services.deadline_open(subject=OrganizationFactory(), clock="contract.sign",
                               organization=purchaser_org, start=at(2025, 6, 2, 10, 0),
                               now=at(2025, 6, 2, 10, 0))
    now = at(2025, 6, 5, 1, 0)
    results = at_once(*[lambda: services.deadlines_sweep(now=now, batch_size=5)] * 2)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors
    assert sum(r.overdue for r in results) == 40
    assert Reminder.objects.filter(kind="overdue").count() == 40
    assert_exactly_once(40, alice, finance_admin)
    assert all(r.examined > 0 for r in results), "both sweeps should have shared the work"


@pytest.mark.django_db
class TestPoisonedRow:
    """One clock that fails cannot stop the sweep (healthchecks' sendalerts)."""

    @pytest.fixture
    def clocks(self, purchaser_org, alice):
        from accounts.tests.factories import OrganizationFactory

        return [services.deadline_open(subject=OrganizationFactory(), clock="contract.sign",
                                       organization=purchaser_org, start=at(2025, 6, 2, 10, 0),
                                       now=at(2025, 6, 2, 10, 0)) for _ in range(3)]

    def test_a_clock_whose_plan_fails_is_postponed_and_the_others_go_on(
        self, clocks, monkeypatch, caplog
    ):
        from core.models import StatusChange

        poisoned = clocks[1]
        real = services._plan

        def failing(deadline, done, now):
            if deadline.pk == poisoned.pk:
                raise RuntimeError("corrupt row")
            return real(deadline, done, now)

        monkeypatch.setattr(services, "_plan", failing)
        now = at(2025, 6, 5, 1, 0)
        result = services.deadlines_sweep(now=now)  # returns normally

        assert result.failed == [poisoned.pk]
        assert result.overdue == 2 and result.examined == 3
        for d in (clocks[0], clocks[2]):
            d.refresh_from_db()
            assert d.status == Deadline.Status.OVERDUE and d.next_action_at is None
        poisoned.refresh_from_db()
        # Nothing of it was written; it is looked at later.
        assert poisoned.status == Deadline.Status.OPEN
        assert poisoned.next_action_at == now + services.SWEEP_RETRY_AFTER
        assert list(Reminder.objects.filter(deadline=poisoned).values_list("kind", flat=True)) \
            == ["opened"]
        assert not StatusChange.of(poisoned).exists()
        assert f"clock #{poisoned.pk}" in caplog.text and "corrupt row" in caplog.text

        # The next minute's sweep leaves it alone; once it is due again and healthy, it lapses.
        assert services.deadlines_sweep(now=now + dt.timedelta(minutes=1)).examined == 0
        monkeypatch.setattr(services, "_plan", real)
        later = services.deadlines_sweep(now=now + services.SWEEP_RETRY_AFTER)
        assert later.failed == [] and later.overdue == 1
        poisoned.refresh_from_db()
        assert poisoned.status == Deadline.Status.OVERDUE

    def test_a_batch_that_fails_to_write_is_retried_clock_by_clock(
        self, clocks, monkeypatch, caplog, django_capture_on_commit_callbacks
    ):
        """The bulk write fails after the overdue step: the batch is rolled back and done
        again one clock at a time; the one that fails again is postponed, and its
        signal, audit event and status change are rolled back with it."""
        from core.exceptions import DomainError
        from core.models import StatusChange
        from deadlines.signals import deadline_overdue

        real = services._message

        def refusing(deadline, kind, now):  # fails after the clock was marked overdue
            if deadline.pk == clocks[0].pk:
                raise DomainError("gateway refused")
            return real(deadline, kind, now)

        received = []

        def receiver(sender, deadline, **kwargs):
            received.append(deadline.pk)

        monkeypatch.setattr(services, "_message", refusing)
        deadline_overdue.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                result = services.deadlines_sweep(now=at(2025, 6, 5, 1, 0))
        finally:
            deadline_overdue.disconnect(receiver)
        assert result.failed == [clocks[0].pk] and result.overdue == 2
        assert sorted(received) == sorted([clocks[1].pk, clocks[2].pk])
        assert not AuditEvent.objects.filter(action="deadline.overdue",
                                             object_id=str(clocks[0].pk)).exists()
        assert not StatusChange.of(clocks[0]).exists()
        assert StatusChange.of(clocks[1]).get().new == Deadline.Status.OVERDUE
        assert Reminder.objects.filter(kind="overdue").count() == 2
        assert "one at a time" in caplog.text


@pytest.mark.django_db
class TestSignals:
    def test_a_clock_marked_overdue_sends_deadline_overdue_after_commit(
        self, award, purchaser_org, alice, django_capture_on_commit_callbacks
    ):
        from deadlines.signals import deadline_overdue

        received = []

        def receiver(sender, deadline, **kwargs):
            received.append((sender, deadline.pk, deadline.status))

        deadline_overdue.connect(receiver)
        try:
            d = open_sign(award, purchaser_org)
            with django_capture_on_commit_callbacks(execute=True):
                services.deadlines_sweep(now=at(2025, 6, 4, 0, 5))  # a reminder only
            assert received == []
            with django_capture_on_commit_callbacks(execute=True):
                services.deadlines_sweep(now=at(2025, 6, 5, 0, 5))
            assert received == [(Deadline, d.pk, Deadline.Status.OVERDUE)]
            with django_capture_on_commit_callbacks(execute=True):
                services.deadlines_sweep(now=at(2025, 6, 6, 0, 5))
            assert len(received) == 1  # once per clock
        finally:
            deadline_overdue.disconnect(receiver)

    def test_meeting_the_duty_sends_deadline_met(self, award, purchaser_org,
                                                 django_capture_on_commit_callbacks):
        from deadlines.signals import deadline_met

        received = []

        def receiver(sender, deadline, **kwargs):
            received.append(deadline.met_on_time)

        deadline_met.connect(receiver)
        try:
            open_sign(award, purchaser_org)
            with django_capture_on_commit_callbacks(execute=True):
                services.deadline_meet(subject=award, clock="contract.sign",
                                       at=at(2025, 6, 3, 9, 0))
            assert received == [True]
        finally:
            deadline_met.disconnect(receiver)

    def test_a_receiver_that_fails_does_not_undo_the_sweep(
        self, award, purchaser_org, alice, django_capture_on_commit_callbacks
    ):
        from deadlines.signals import deadline_overdue

        def broken(sender, deadline, **kwargs):
            raise RuntimeError("listener down")

        deadline_overdue.connect(broken)
        try:
            d = open_sign(award, purchaser_org)
            with django_capture_on_commit_callbacks(execute=True):
                result = services.deadlines_sweep(now=at(2025, 6, 5, 0, 5))
            assert result.overdue == 1 and result.failed == []
            d.refresh_from_db()
            assert d.status == Deadline.Status.OVERDUE
        finally:
            deadline_overdue.disconnect(broken)
