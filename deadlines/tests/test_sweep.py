import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from deadlines import services
from deadlines.models import Deadline, Reminder
from deadlines.tests.conftest import at
from notifications.models import Message


def open_sign(award, org):
    # Mon 2025-06-02 10:00 → due Wed 06-04 23:59:59; reminders Tue 23:59:59 and Wed 21:59:59.
    return services.deadline_open(subject=award, clock="contract.sign", organization=org,
                                  start=at(2025, 6, 2, 10, 0), now=at(2025, 6, 2, 10, 0))


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
        escalated = {m.recipient for m in reminder_sms("escalation")}
        assert escalated == {finance_admin, leader}
        assert AuditEvent.objects.filter(action="deadline.overdue").count() == 1

        services.deadlines_sweep(now=at(2025, 6, 6, 9, 0))
        assert reminder_sms("escalation").count() == 2  # nothing new

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
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(services.deadlines_sweep(now=now, batch_size=5))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.overdue for r in results) == 40
    assert Reminder.objects.filter(kind="overdue").count() == 40
    keys = list(Message.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))
    assert Message.objects.filter(category="deadline.escalation", channel="sms",
                                  recipient=finance_admin).count() == 40
    assert all(r.examined > 0 for r in results), "both sweeps should have shared the work"
