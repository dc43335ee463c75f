"""Rows of the complaints app that the credit part's tests start from: a decided
complaint (with its challenge) built directly, without the challenge and complaint
services (another part's), and a finance-bureau penalty's arguments."""

import datetime as dt
import itertools

from django.utils import timezone

from complaints.models import Challenge, Complaint

_numbers = itertools.count(1)


def decided_complaint(*, project, complainant, user, false_materials=False, malicious=False,
                      now=None) -> Complaint:
    now = now or timezone.now()
    n = next(_numbers)
    challenge = Challenge.objects.create(
        number=f"ZY-CR-{n}", project=project, supplier=complainant, filed_by=user,
        trigger=Challenge.Trigger.RESULT, window_opened_at=now - dt.timedelta(days=30),
        window_closes_at=now - dt.timedelta(days=20), filed_at=now - dt.timedelta(days=25),
        contact_name="张博", contact_phone="13800000001", status=Challenge.Status.ANSWERED,
        answered_at=now - dt.timedelta(days=22), answer_summary="质疑不成立。",
        outcome=Challenge.Outcome.DISMISSED, remedy=Challenge.Remedy.NONE)
    return Complaint.objects.create(
        number=f"TS-CR-{n}", challenge=challenge, complainant=complainant,
        request="撤销中标结果", facts="中标人资格不符。", filed_by=user,
        filed_at=now - dt.timedelta(days=15), status=Complaint.Status.DECIDED,
        accepted_at=now - dt.timedelta(days=14), outcome=Complaint.Outcome.DISMISSED,
        decision_text="经查，投诉人提交的证明材料系伪造。", decision_basis="94号令 第29条",
        false_materials=false_materials, malicious=malicious,
        decided_at=now - dt.timedelta(days=1))
