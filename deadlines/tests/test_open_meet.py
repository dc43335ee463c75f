import datetime as dt

import pytest

from core.exceptions import DomainError, PermissionDenied
from deadlines import services
from deadlines.models import Deadline
from deadlines.tests.conftest import at
from notifications.models import Message
from workdays.services import calendar_year_load

pytestmark = pytest.mark.django_db


def open_sign(award, org, start, **kw):
    return services.deadline_open(subject=award, clock="contract.sign", organization=org,
                                  start=start, now=start, **kw)


def test_award_notice_on_2025_09_30_must_be_signed_by_2025_10_10(award, purchaser_org, alice):
    d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    assert d.due_at == at(2025, 10, 10, 23, 59, 59)
    assert not d.provisional
    assert d.basis == "春风行动 第18条"
    assert (d.amount, d.unit) == (2, "workdays")
    # The officer is told the clock started, by SMS and in-app, in Chinese.
    sms = Message.objects.get(recipient=alice, channel="sms", category="deadline.opened")
    assert "2025-10-10" in sms.body and "春风行动 第18条" in sms.body
    assert "签订" in sms.body or "合同" in sms.body


def test_national_profile_gives_30_calendar_days(settings, award, purchaser_org):
    settings.RULE_PROFILE = "national"
    d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    assert d.due_at == at(2025, 10, 30, 23, 59, 59)
    assert d.basis == "法 第46条"


def test_a_single_value_can_be_overridden(settings, award, purchaser_org):
    settings.RULE_OVERRIDES = {"contract.sign": 3}
    d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    assert d.due_at == at(2025, 10, 11, 23, 59, 59)  # the working Saturday


def test_running_clock_does_not_move_when_the_profile_changes(settings, award, purchaser_org):
    d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    settings.RULE_PROFILE = "national"
    assert open_sign(award, purchaser_org, at(2025, 10, 1)).pk == d.pk
    d.refresh_from_db()
    assert d.due_at == at(2025, 10, 10, 23, 59, 59)


def test_deadline_into_an_unloaded_year_is_provisional_then_recomputed(
    award, purchaser_org, finance_admin, django_capture_on_commit_callbacks, eager_celery
):
    d = open_sign(award, purchaser_org, at(2026, 12, 30, 9, 0))
    assert d.provisional
    assert d.due_at == at(2027, 1, 1, 23, 59, 59)  # Friday counted Monday–Friday
    alert = Message.objects.get(recipient=finance_admin, channel="inapp",
                                category="calendar.missing")
    assert "2027" in alert.subject
    # A second provisional clock does not alert again.
    other = services.deadline_open(subject=purchaser_org, clock="contract.sign",
                                   organization=purchaser_org, start=at(2026, 12, 30, 9, 0))
    assert other.provisional
    assert Message.objects.filter(recipient=finance_admin, category="calendar.missing",
                                  channel="inapp").count() == 1

    # The administrator loads 2027 (New Year's Day off): the clock is recomputed.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")],
                           source="国办发明电〔2026〕", actor=finance_admin)
    d.refresh_from_db()
    assert not d.provisional
    assert d.due_at == at(2027, 1, 4, 23, 59, 59)


def test_meeting_the_duty_closes_the_clock(award, purchaser_org):
    open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    d = services.deadline_meet(subject=award, clock="contract.sign", at=at(2025, 10, 9, 15, 0))
    assert d.status == Deadline.Status.MET
    assert d.met_on_time
    assert d.next_action_at is None
    assert services.deadline_meet(subject=award, clock="contract.sign") is None


def test_meeting_late_is_recorded_as_late(award, purchaser_org):
    open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
    d = services.deadline_meet(subject=award, clock="contract.sign", at=at(2025, 10, 13, 9, 0))
    assert d.status == Deadline.Status.MET and d.met_on_time is False


def test_a_clock_set_by_the_contract_needs_a_due_time(settings, award, purchaser_org):
    settings.RULE_PROFILE = "national"
    with pytest.raises(DomainError) as exc:
        services.deadline_open(subject=award, clock="acceptance.organise",
                               organization=purchaser_org)
    assert exc.value.code == "clock_needs_due_time"
    d = services.deadline_open(subject=award, clock="acceptance.organise",
                               organization=purchaser_org,
                               due_at=at(2030, 1, 10, 17, 0), start=at(2030, 1, 2))
    assert d.due_at == at(2030, 1, 10, 17, 0)


class TestWaive:
    def test_finance_administrator_waives_with_a_reason(self, award, purchaser_org, finance_org,
                                                        finance_admin):
        d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
        services.deadline_waive(deadline=d, actor=finance_admin, organization=finance_org,
                                reason="采购项目依法终止")
        d.refresh_from_db()
        assert d.status == Deadline.Status.WAIVED and d.waived_by == finance_admin

    def test_purchaser_cannot_waive_its_own_clock(self, award, purchaser_org, alice):
        d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
        with pytest.raises(PermissionDenied):
            services.deadline_waive(deadline=d, actor=alice, organization=purchaser_org,
                                    reason="不想签了不想签了")
        d.refresh_from_db()
        assert d.status == Deadline.Status.OPEN

    def test_a_reason_is_required(self, award, purchaser_org, finance_org, finance_admin):
        d = open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))
        with pytest.raises(DomainError):
            services.deadline_waive(deadline=d, actor=finance_admin, organization=finance_org,
                                    reason=" ")


def test_paused_working_days_are_not_counted(award, purchaser_org):
    open_sign(award, purchaser_org, at(2025, 6, 2, 9, 0))  # Mon → due Wed 06-04
    services.deadline_pause(subject=award, clock="contract.sign", reason="质疑可能影响中标结果",
                            at=at(2025, 6, 3, 9, 0))
    d = Deadline.objects.get()
    assert d.next_action_at is None
    # Resumed on Friday 06-06: Wed, Thu, Fri (3 WD) were lost → due moves 3 WD to Mon 06-09.
    d = services.deadline_resume(subject=award, clock="contract.sign", at=at(2025, 6, 6, 9, 0))
    assert d.due_at == at(2025, 6, 9, 23, 59, 59)
    assert d.next_action_at is not None


def test_an_overdue_provisional_clock_reopens_when_holidays_move_it_out(award, purchaser_org,
                                                                        alice):
    d = open_sign(award, purchaser_org, at(2026, 12, 30, 9, 0))  # provisional, due 2027-01-01
    services.deadlines_sweep(now=at(2027, 1, 2, 9, 0))
    d.refresh_from_db()
    assert d.status == Deadline.Status.OVERDUE and d.escalated_at is not None
    calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    services.deadlines_recompute_provisional(year=2027, now=at(2027, 1, 2, 10, 0))
    d.refresh_from_db()
    assert d.status == Deadline.Status.OPEN and d.escalated_at is None
    assert d.due_at == at(2027, 1, 4, 23, 59, 59)
    assert d.next_action_at is not None
