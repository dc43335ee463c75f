"""The automatic end of a suspension of the procurement (法 第57条): the beat's task lifts,
as the system, each suspension whose period has run out; safe to run twice."""

import datetime as dt

import pytest
from django.db import connection

from audit.models import AuditEvent
from complaints.models import Complaint
from complaints.services import complaints as svc
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from core.exceptions import InvalidTransition
from core.tests.concurrency import at_once
from deadlines.services import running_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(opened, supervisor):
    from contracts.tests.factories import ContractFactory
    from procurement.tests import factories
    from procurement.tests.factories import AwardFactory

    lot, bidders = opened
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(lot.project, challenger)
    factories.evaluate(lot)
    contract = ContractFactory(award=AwardFactory(lot=lot))
    complaint = svc.complaint_file(
        challenge=ch, complainant=challenger, user=user,
        matters=[o.pk for o in ch.objections.all()], request="请求责令重新评审。",
        facts="中标供应商提供虚假业绩材料。", files=[pdf_upload()])
    svc.complaint_accept(complaint=complaint, user=supervisor)
    svc.complaint_suspend_procurement(complaint=complaint, user=supervisor, days=3,
                                      reason="投诉处理期间暂停采购活动。")
    complaint.refresh_from_db()
    contract.refresh_from_db()
    assert contract.suspended_reason
    return complaint, contract


def test_nothing_is_lifted_before_the_period_runs_out(suspended):
    complaint, _contract = suspended
    before = complaint.procurement_suspended_until - dt.timedelta(minutes=1)
    assert svc.complaint_suspensions_lift(now=before) == []
    complaint.refresh_from_db()
    assert complaint.procurement_resumed_at is None


def test_the_system_may_not_lift_early(suspended):
    complaint, _ = suspended
    with pytest.raises(InvalidTransition):
        svc.complaint_resume_procurement(
            complaint=complaint, user=None,
            now=complaint.procurement_suspended_until - dt.timedelta(minutes=1))
    complaint.refresh_from_db()
    assert complaint.procurement_resumed_at is None


def test_lapsed_suspension_is_lifted_once_even_run_twice(suspended):
    complaint, contract = suspended
    after = complaint.procurement_suspended_until + dt.timedelta(minutes=1)
    lifted = svc.complaint_suspensions_lift(now=after)
    assert [c.pk for c in lifted] == [complaint.pk]
    complaint.refresh_from_db()
    contract.refresh_from_db()
    assert complaint.procurement_resumed_at == after
    assert contract.suspended_reason == ""
    assert running_deadline(subject=complaint, clock="complaint.suspend_max") is None
    event = AuditEvent.objects.get(action="complaint.resume_procurement",
                                   object_id=str(complaint.pk))
    assert event.actor_id is None and event.detail["automatic"] is True
    # The second run finds nothing and changes nothing.
    assert svc.complaint_suspensions_lift(now=after + dt.timedelta(hours=1)) == []
    complaint.refresh_from_db()
    assert complaint.procurement_resumed_at == after
    assert AuditEvent.objects.filter(action="complaint.resume_procurement").count() == 1
    assert not AuditEvent.objects.filter(action="complaint.resume_procurement_refused"
                                         ).exists()


def test_the_task_is_thin_and_scheduled(suspended, eager_celery, monkeypatch):
    from django.utils import timezone

    from complaints import tasks_complaints
    from config.celery import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["complaints-suspensions"]
    assert entry["task"] == tasks_complaints.lift_suspensions.name
    assert entry["schedule"] == 3600.0
    complaint, _ = suspended
    later = complaint.procurement_suspended_until + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks_complaints.lift_suspensions.delay().get() == 1
    assert tasks_complaints.lift_suspensions.delay().get() == 0
    assert Complaint.objects.get(pk=complaint.pk).procurement_resumed_at == later


def test_beat_key_listed_in_operations_docs():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    assert "`complaints-suspensions` | `complaints.tasks_complaints.lift_suspensions`" in text


def test_a_resumed_or_decided_complaint_is_not_swept(suspended, supervisor):
    complaint, _ = suspended
    svc.complaint_resume_procurement(complaint=complaint, user=supervisor)
    after = complaint.procurement_suspended_until + dt.timedelta(days=1)
    assert svc.complaint_suspensions_lift(now=after) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_sweeps_at_once_lift_the_suspension_once(suspended):
    complaint, contract = suspended
    after = complaint.procurement_suspended_until + dt.timedelta(minutes=1)
    results = at_once(lambda: svc.complaint_suspensions_lift(now=after),
                      lambda: svc.complaint_suspensions_lift(now=after))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(len(r) for r in results) == [0, 1]
    contract.refresh_from_db()
    assert contract.suspended_reason == ""
    assert AuditEvent.objects.filter(action="complaint.resume_procurement").count() == 1
    assert not AuditEvent.objects.filter(action="complaint.resume_procurement_refused"
                                         ).exists()
