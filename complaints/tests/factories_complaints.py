"""Challenges as the challenges part leaves them (answered, item by item), for the
complaints part's tests: built directly, since that part's services are built apart."""

import datetime as dt
import itertools

from django.utils import timezone

from complaints.models import Challenge, Objection
from complaints.services.complaints import Upload
from procurement.tests.factories import BID_FILE as PDF

_seq = itertools.count(1)


def pdf_upload(name="evidence.pdf") -> Upload:
    return Upload(name, PDF)


def challenge(project, supplier, *, filed_at=None, answered=True, answered_at=None,
              objections=2, answer_clock=False) -> Challenge:
    """A challenge of the result by ``supplier`` with ``objections`` items, filed at
    ``filed_at`` (two days ago by default) and, with ``answered``, answered item by item
    a day later (or at ``answered_at``). ``answer_clock`` adds the ``challenge.answer``
    clock its filing opens (met when answered)."""
    from deadlines.services import deadline_meet, deadline_open

    filed_at = filed_at or timezone.now() - dt.timedelta(days=2)
    user = supplier.memberships.first().user
    n = next(_seq)
    item = Challenge.objects.create(
        number=f"ZY-{timezone.localtime(filed_at).year}-{n:04d}", project=project,
        supplier=supplier, filed_by=user, trigger=Challenge.Trigger.RESULT,
        window_opened_at=filed_at - dt.timedelta(days=1),
        window_closes_at=filed_at + dt.timedelta(days=7), filed_at=filed_at,
        contact_name="王质疑", contact_phone="13800000000")
    for i in range(1, objections + 1):
        Objection.objects.create(
            challenge=item, number=i, relates_to=Objection.RelatesTo.AWARD,
            legal_ground=f"87号令 第{60 + i}条", facts=f"第{i}项：中标供应商的业绩证明不实。",
            remedy_requested="重新评审")
    if answer_clock:
        deadline_open(subject=item, clock="challenge.answer",
                      organization=project.agency or project.purchaser, start=filed_at,
                      now=filed_at)
    if answered:
        at = answered_at or filed_at + dt.timedelta(days=1)
        item.objections.update(decision=Objection.Decision.DISMISSED,
                               answer="经核查，业绩证明真实有效，质疑事项不成立。", answered_at=at)
        item.status = Challenge.Status.ANSWERED
        item.outcome = Challenge.Outcome.DISMISSED
        item.remedy = Challenge.Remedy.NONE
        item.answer_summary = "质疑事项不成立。"
        item.answered_at = at
        item.answered_for = project.agency or project.purchaser
        item.save()
        if answer_clock:
            deadline_meet(subject=item, clock="challenge.answer", at=at, now=at)
    return item
