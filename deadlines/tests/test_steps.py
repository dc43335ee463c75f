"""A clock's status changes only through steps.DEADLINE: each step leaves a row, the
refused ones change nothing and are recorded, and the page and API read the same table."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import refusals
from core.exceptions import InvalidTransition, PermissionDenied
from core.models import StatusChange
from deadlines import services, steps
from deadlines.models import Deadline
from deadlines.tests.conftest import at
from workdays.services import calendar_year_load

pytestmark = pytest.mark.django_db

S = Deadline.Status


def open_sign(subject, org, start):
    return services.deadline_open(subject=subject, clock="contract.sign", organization=org,
                                  start=start, now=start)


def history(deadline):
    return [(c.step, c.old, c.new) for c in StatusChange.of(deadline)]


def test_the_table_names_every_status_and_only_waive_is_a_persons_step():
    assert steps.DEADLINE.statuses() == set(S.values)
    assert steps.manual_actions(Deadline(status=S.OPEN)) == ["waive"]
    assert steps.manual_actions(Deadline(status=S.OVERDUE)) == ["waive"]
    assert steps.manual_actions(Deadline(status=S.MET)) == []
    assert steps.manual_actions(Deadline(status=S.WAIVED)) == []
    assert steps.DEADLINE.actions(Deadline(status=S.OVERDUE)) == ["meet", "waive", "reopen"]


def test_meeting_the_duty_leaves_a_status_row_and_the_audit_event(award, purchaser_org, alice):
    d = open_sign(award, purchaser_org, at(2025, 6, 2, 10, 0))
    services.deadline_meet(subject=award, clock="contract.sign", at=at(2025, 6, 3, 9, 0),
                           actor=alice, now=at(2025, 6, 3, 9, 0))
    assert history(d) == [("meet", "open", "met")]
    [row] = StatusChange.of(d)
    assert row.actor == alice and row.at == at(2025, 6, 3, 9, 0)
    event = AuditEvent.objects.get(action="deadline.met")
    assert event.detail["on_time"] is True and event.detail["from"] == "open"


def test_a_clock_walks_lapse_reopen_lapse_and_waive(award, purchaser_org, finance_org,
                                                    finance_admin):
    # Provisional (2027 is not in the calendar): due Fri 2027-01-01, which is a holiday.
    d = open_sign(award, purchaser_org, at(2026, 12, 30, 9, 0))
    services.deadlines_sweep(now=at(2027, 1, 2, 9, 0))
    calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    services.deadlines_recompute_provisional(year=2027, now=at(2027, 1, 2, 10, 0))
    services.deadlines_sweep(now=at(2027, 1, 5, 9, 0))
    services.deadline_waive(deadline=d, actor=finance_admin, organization=finance_org,
                            reason="采购项目依法终止", now=at(2027, 1, 5, 10, 0))
    assert history(d) == [("lapse", "open", "overdue"), ("reopen", "overdue", "open"),
                          ("lapse", "open", "overdue"), ("waive", "overdue", "waived")]
    changes = list(StatusChange.of(d))
    assert "2027" in changes[1].reason  # why it reopened
    assert changes[3].reason == "采购项目依法终止" and changes[3].actor == finance_admin
    d.refresh_from_db()
    assert d.status == S.WAIVED


def test_waiving_a_met_clock_is_refused_changes_nothing_and_is_recorded(
    award, purchaser_org, finance_org, finance_admin
):
    d = open_sign(award, purchaser_org, at(2025, 6, 2, 10, 0))
    services.deadline_meet(subject=award, clock="contract.sign", at=at(2025, 6, 3, 9, 0))
    with pytest.raises(InvalidTransition):
        services.deadline_waive(deadline=d, actor=finance_admin, organization=finance_org,
                                reason="采购项目依法终止")
    d.refresh_from_db()
    assert d.status == S.MET and not d.waive_reason
    assert history(d) == [("meet", "open", "met")]
    refusal = refusals().get(action="deadline.waive_refused")
    assert refusal.actor == finance_admin and refusal.detail["code"] == "invalid_transition"


def test_a_purchasers_attempt_to_waive_is_recorded_as_a_refusal(award, purchaser_org, alice):
    d = open_sign(award, purchaser_org, at(2025, 6, 2, 10, 0))
    with pytest.raises(PermissionDenied):
        services.deadline_waive(deadline=d, actor=alice, organization=purchaser_org,
                                reason="不想签了不想签了")
    refusal = refusals().get(action="deadline.waive_refused")
    assert refusal.detail["code"] == "permission_denied"
    assert refusal.organization == purchaser_org and refusal.actor == alice


class TestPageAndApi:
    @pytest.fixture
    def clock(self, award, purchaser_org):
        return open_sign(award, purchaser_org, at(2025, 9, 30, 10, 0))

    def test_the_api_lists_the_steps_allowed_now(self, client, alice, clock):
        client.force_login(alice)
        url = reverse("api:deadline-detail", args=[clock.pk])
        assert client.get(url).json()["actions"] == ["waive"]
        services.deadline_meet(subject=clock.subject, clock="contract.sign")
        assert client.get(url).json()["actions"] == []

    def test_the_waive_button_shows_for_the_finance_bureau_while_the_table_allows_it(
        self, client, alice, clock, finance_admin
    ):
        url = reverse("deadlines:deadline-detail", args=[clock.pk])
        client.force_login(alice)
        assert 'data-testid="step-waive"' not in client.get(url).content.decode()
        client.force_login(finance_admin)
        assert 'data-testid="step-waive"' in client.get(url).content.decode()
        response = client.post(url, {"reason": "采购项目依法终止"})
        assert response.status_code == 302
        body = client.get(url).content.decode()
        assert 'data-testid="step-waive"' not in body
        assert 'data-testid="status-history"' in body
        # A waived clock cannot be waived again from the page either.
        assert client.post(url, {"reason": "采购项目依法终止"}).status_code == 404
