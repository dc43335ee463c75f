"""A procurement suspended during a complaint (法 第57条) is held: its opening, the
evaluation's conclusion and the award refuse with the reason and basis, and the minute's
opening sweep passes the held lots by until the suspension is lifted."""

import datetime as dt

import pytest

from complaints.services import complaints as svc
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from conftest import org_of
from core.exceptions import RuleViolation
from procurement import services as proc
from procurement.holds import procurement_hold
from procurement.models import Lot

pytestmark = pytest.mark.django_db


def test_a_suspended_procurement_does_not_open_until_the_suspension_is_lifted(
        live_tender, bob, supervisor):
    project, supplier = live_tender, org_of(bob)
    lot = project.lots.get()
    challenge = make_challenge(project, supplier)
    complaint = svc.complaint_file(
        challenge=challenge, complainant=supplier, user=bob,
        matters=[o.pk for o in challenge.objections.all()], request="请求暂停采购活动。",
        facts="采购文件以不合理条件限制供应商。", files=[pdf_upload()])
    svc.complaint_accept(complaint=complaint, user=supervisor)
    svc.complaint_suspend_procurement(complaint=complaint, user=supervisor, days=30,
                                      reason="投诉事项可能影响采购结果，暂停采购活动。")
    after_deadline = project.bid_deadline + dt.timedelta(minutes=1)

    hold = procurement_hold(project, after_deadline)
    assert hold is not None and hold.basis == "法 第57条"
    with pytest.raises(RuleViolation) as refused:
        proc.lot_open(lot=lot, now=after_deadline)
    assert refused.value.code == "procurement_suspended"
    assert complaint.number in str(refused.value)
    assert proc.lots_open_due(now=after_deadline) == 0
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.BIDDING

    svc.complaint_resume_procurement(complaint=complaint, user=supervisor)
    assert procurement_hold(project, after_deadline) is None
    assert proc.lots_open_due(now=after_deadline) == 1
    assert Lot.objects.get(pk=lot.pk).status != Lot.Status.BIDDING
