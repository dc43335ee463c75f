"""The complaints part's services: filing and its refusals, the acceptance review with
its one correction, investigation pauses, suspension of procurement, the decision."""

import datetime as dt
import subprocess

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Complaint, ComplaintPause, Evidence
from complaints.services import complaints as svc
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from conftest import org_of
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.tests.concurrency import at_once, outcome
from deadlines.models import Deadline
from deadlines.services import running_deadline
from notifications.models import Message
from workdays.services import workdays_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(opened, supervisor):
    lot, bidders = opened
    project = lot.project
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(project, challenger)
    return {"project": project, "challenger": challenger, "user": user, "challenge": ch,
            "bidders": bidders, "bureau": org_of(supervisor), "supervisor": supervisor}


def file(s, **kw):
    args = {"challenge": s["challenge"], "complainant": s["challenger"], "user": s["user"],
            "matters": [o.pk for o in s["challenge"].objections.all()],
            "request": "请求责令重新评审。",
            "facts": "中标供应商提供虚假业绩材料，质疑答复未予核实。",
            "files": [pdf_upload()]}
    args.update(kw)
    return svc.complaint_file(**args)


def test_file_numbers_stores_evidence_and_opens_the_review_clock(setting):
    complaint = file(setting)
    year = timezone.localtime(complaint.filed_at).year
    assert complaint.number == f"TS-{year}-0001"
    assert complaint.status == "submitted"
    assert complaint.matters.count() == 2
    doc = complaint.documents.get()
    assert doc.role == Evidence.Role.EVIDENCE and len(doc.sha256) == 64
    clock = running_deadline(subject=complaint, clock="complaint.review")
    assert clock.organization == setting["bureau"] and clock.basis == "94号令 第21条"
    assert AuditEvent.objects.filter(action="complaint.file", object_id=str(complaint.pk)
                                     ).exists()
    assert Message.objects.filter(recipient=setting["supervisor"],
                                  subject__contains=complaint.number).exists()


def _refused(setting, code, **kw):
    before = Complaint.objects.count(), Evidence.objects.count()
    with pytest.raises(DomainError) as info:
        file(setting, **kw)
    assert info.value.code == code
    assert (Complaint.objects.count(), Evidence.objects.count()) == before
    assert AuditEvent.objects.filter(action="complaint.file_refused").exists()
    return info.value


def test_a_matter_never_challenged_is_refused(setting):
    other = make_challenge(setting["project"], setting["bidders"][2])
    error = _refused(setting, "not_challenged",
                     matters=[setting["challenge"].objections.first().pk,
                              other.objections.first().pk])
    assert isinstance(error, RuleViolation) and "94号令" in error.basis


def test_late_complaint_is_refused_with_the_closing_date(setting):
    window = svc.complaint_window(setting["challenge"])
    error = _refused(setting, "late", now=window.closes_at + dt.timedelta(minutes=1))
    assert error.basis == "法 第55条"
    assert timezone.localtime(window.closes_at).strftime("%Y-%m-%d") in str(error)
    # 15 working days after the answer's deadline
    assert workdays_between(timezone.localtime(window.answer_due_at).date(),
                            timezone.localtime(window.closes_at).date()) == 15


def test_answer_deadline_comes_from_the_clock_when_there_is_one(setting):
    ch = make_challenge(setting["project"], setting["challenger"], answer_clock=True)
    clock = Deadline.objects.get(clock="challenge.answer", subject_id=str(ch.pk))
    clock.due_at = clock.due_at + dt.timedelta(days=7)
    clock.save(update_fields=["due_at"])
    assert svc.answer_due(ch) == clock.due_at


def test_only_the_challenger_complains(setting):
    outsider = setting["bidders"][2]
    _refused(setting, "not_challenger", complainant=outsider,
             user=outsider.memberships.get().user)


def test_someone_outside_the_complainant_is_refused(setting, charlie):
    _refused(setting, "permission_denied", user=charlie)


def test_before_the_answer_or_its_deadline_is_too_early(setting):
    pending = make_challenge(setting["project"], setting["challenger"], answered=False,
                             filed_at=timezone.now() - dt.timedelta(hours=2))
    _refused(setting, "too_early", challenge=pending,
             matters=[o.pk for o in pending.objections.all()])


def test_unanswered_past_the_deadline_may_complain(setting):
    filed = timezone.now() - dt.timedelta(days=14)
    pending = make_challenge(setting["project"], setting["challenger"], answered=False,
                             filed_at=filed)
    complaint = file(setting, challenge=pending,
                     matters=[o.pk for o in pending.objections.all()])
    assert complaint.status == "submitted"


def test_the_same_matter_is_complained_of_once(setting):
    file(setting)
    _refused(setting, "already_complained")


def test_bad_file_is_refused(setting):
    _refused(setting, "file_type", files=[svc.Upload("x.pdf", b"MZ\x90\x00not a pdf")])


def test_offline_registration_needs_the_bureau_and_the_scan(setting):
    s = setting
    args = dict(challenge=s["challenge"], matters=[o.pk for o in s["challenge"].objections.all()],
                request="请求责令重新评审。", facts="书面投诉：业绩材料虚假。")
    with pytest.raises(PermissionDenied):
        svc.complaint_register_offline(user=s["user"], original=pdf_upload("scan.pdf"), **args)
    complaint = svc.complaint_register_offline(user=s["supervisor"],
                                               original=pdf_upload("scan.pdf"), **args)
    assert complaint.channel == "offline" and complaint.registered_by == s["supervisor"]
    assert complaint.complainant == s["challenger"]
    assert complaint.documents.get().role == Evidence.Role.ORIGINAL


def test_offline_registration_without_the_scan_is_refused(setting):
    s = setting
    with pytest.raises(DomainError) as info:
        svc.complaint_register_offline(
            user=s["supervisor"], original=None, challenge=s["challenge"],
            matters=[o.pk for o in s["challenge"].objections.all()],
            request="请求责令重新评审。", facts="书面投诉：业绩材料虚假。")
    assert info.value.code == "original_missing"
    assert not Complaint.objects.exists()


def test_correction_pauses_and_resumes_the_review_clock(setting):
    s = setting
    complaint = file(s)
    before = running_deadline(subject=complaint, clock="complaint.review").due_at
    asked = timezone.now()
    svc.complaint_request_correction(complaint=complaint, user=s["supervisor"],
                                     request="请补充投诉人法定代表人签字。", now=asked)
    complaint.refresh_from_db()
    assert complaint.status == "correcting"
    review = running_deadline(subject=complaint, clock="complaint.review")
    assert review.paused_at == asked
    correction = running_deadline(subject=complaint, clock="complaint.correction")
    assert correction.organization == s["challenger"]
    pause = ComplaintPause.objects.get(complaint=complaint)
    assert pause.kind == "correction" and pause.ended_at is None
    # Corrected three days later: the review's due time moves by the working days lost.
    corrected = asked + dt.timedelta(days=3)
    svc.complaint_correct(complaint=complaint, user=s["user"], organization=s["challenger"],
                          facts="补充后的事实与理由。", files=[pdf_upload("signed.pdf")],
                          now=corrected)
    complaint.refresh_from_db()
    assert complaint.status == "submitted" and complaint.facts == "补充后的事实与理由。"
    review.refresh_from_db()
    lost = workdays_between(timezone.localtime(asked).date(),
                            timezone.localtime(corrected).date())
    assert lost >= 1
    assert workdays_between(timezone.localtime(before).date(),
                            timezone.localtime(review.due_at).date()) == lost
    assert review.paused_at is None
    pause.refresh_from_db()
    assert pause.ended_at == corrected
    assert complaint.documents.filter(role="correction").count() == 1
    # Once only.
    with pytest.raises(RuleViolation) as info:
        svc.complaint_request_correction(complaint=complaint, user=s["supervisor"],
                                         request="再次补正。", now=corrected)
    assert info.value.code == "correction_once"


def test_accept_counts_the_decision_from_receipt_without_the_correction(setting):
    s = setting
    complaint = file(s)
    t0 = complaint.filed_at
    svc.complaint_request_correction(complaint=complaint, user=s["supervisor"],
                                     request="请补充证据目录。", now=t0)
    svc.complaint_correct(complaint=complaint, user=s["user"], organization=s["challenger"],
                          request="补正后的请求。", now=t0 + dt.timedelta(days=3))
    svc.complaint_accept(complaint=complaint, user=s["supervisor"],
                         now=t0 + dt.timedelta(days=8))
    complaint.refresh_from_db()
    assert complaint.status == "accepted"
    assert Deadline.objects.get(clock="complaint.review",
                                subject_id=str(complaint.pk)).status == "met"
    decide = running_deadline(subject=complaint, clock="complaint.decide")
    decide_rule = svc.rule("complaint.decide")
    plain = svc.compute_due(start=t0, amount=decide_rule.amount, unit=decide_rule.unit).at
    lost = workdays_between(timezone.localtime(t0).date(),
                            timezone.localtime(t0 + dt.timedelta(days=3)).date())
    assert workdays_between(timezone.localtime(plain).date(),
                            timezone.localtime(decide.due_at).date()) == lost


def test_only_the_bureau_accepts(setting, alice):
    complaint = file(setting)
    with pytest.raises(PermissionDenied):
        svc.complaint_accept(complaint=complaint, user=alice)
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


def test_reject_and_withdraw(setting):
    s = setting
    complaint = file(s)
    with pytest.raises(DomainError):
        svc.complaint_reject(complaint=complaint, user=s["supervisor"], reason="")
    svc.complaint_reject(complaint=complaint, user=s["supervisor"],
                         reason="投诉事项超出质疑事项范围。")
    complaint.refresh_from_db()
    assert complaint.status == "rejected" and complaint.reject_reason
    with pytest.raises(InvalidTransition):
        svc.complaint_withdraw(complaint=complaint, user=s["user"],
                               organization=s["challenger"])
    ch2 = make_challenge(s["project"], s["challenger"])
    second = file(s, challenge=ch2, matters=[o.pk for o in ch2.objections.all()])
    svc.complaint_withdraw(complaint=second, user=s["user"], organization=s["challenger"],
                           reason="双方已协商解决。")
    second.refresh_from_db()
    assert second.status == "withdrawn"
    assert running_deadline(subject=second, clock="complaint.review") is None


def _accepted(s):
    complaint = file(s)
    return svc.complaint_accept(complaint=complaint, user=s["supervisor"])


def test_pause_for_testing_and_resume(setting):
    s = setting
    complaint = _accepted(s)
    at = timezone.now()
    svc.complaint_pause(complaint=complaint, user=s["supervisor"], kind="testing",
                        reason="委托质检机构检测样品。", now=at)
    decide = running_deadline(subject=complaint, clock="complaint.decide")
    assert decide.paused_at == at
    with pytest.raises(InvalidTransition):
        svc.complaint_pause(complaint=complaint, user=s["supervisor"], kind="expert_review",
                            reason="专家评审。", now=at)
    before = decide.due_at
    svc.complaint_resume(complaint=complaint, user=s["supervisor"],
                         now=at + dt.timedelta(days=7))
    decide.refresh_from_db()
    assert decide.paused_at is None and decide.due_at > before


def test_suspension_is_at_most_30_days_and_suspends_unsigned_contracts(setting, supervisor):
    from contracts.tests.factories import ContractFactory
    from procurement.tests.factories import AwardFactory

    s = setting
    lot = s["project"].lots.get()
    from procurement.tests import factories
    factories.evaluate(lot)
    award = AwardFactory(lot=lot)
    contract = ContractFactory(award=award)
    complaint = _accepted(s)
    with pytest.raises(RuleViolation) as info:
        svc.complaint_suspend_procurement(complaint=complaint, user=supervisor, days=31,
                                          reason="投诉处理期间暂停采购活动。")
    assert info.value.code == "suspension_too_long" and info.value.basis == "法 第57条"
    complaint.refresh_from_db()
    assert complaint.procurement_suspended_at is None
    svc.complaint_suspend_procurement(complaint=complaint, user=supervisor, days=30,
                                      reason="投诉处理期间暂停采购活动。")
    complaint.refresh_from_db()
    contract.refresh_from_db()
    assert complaint.procurement_suspended_until > complaint.procurement_suspended_at
    assert contract.suspended_reason.startswith(f"投诉{complaint.number}")
    clock = running_deadline(subject=complaint, clock="complaint.suspend_max")
    assert clock.due_at == complaint.procurement_suspended_until
    svc.complaint_resume_procurement(complaint=complaint, user=supervisor)
    contract.refresh_from_db()
    complaint.refresh_from_db()
    assert contract.suspended_reason == "" and complaint.procurement_resumed_at
    assert running_deadline(subject=complaint, clock="complaint.suspend_max") is None


def test_decision_pdf_is_stored_published_and_served(setting):
    s = setting
    complaint = _accepted(s)
    svc.complaint_decide(complaint=complaint, outcome="dismissed",
                         decision_text="经调查，中标供应商的业绩证明真实，投诉事项缺乏事实依据。",
                         decision_basis="94号令 第29条第（二）项", false_materials=True,
                         user=s["supervisor"])
    complaint.refresh_from_db()
    assert complaint.status == "decided" and complaint.published_at
    data = complaint.decision_pdf.open("rb").read()
    import hashlib
    assert hashlib.sha256(data).hexdigest() == complaint.decision_sha256
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()
    compact = "".join(text.split())
    for phrase in ("投诉处理决定书", complaint.number, s["challenger"].name, "驳回投诉",
                   "行政复议", "行政诉讼", "业绩证明真实", s["project"].purchaser.name,
                   s["bidders"][0].name):
        assert phrase in compact, phrase
    assert Deadline.objects.get(clock="complaint.decide",
                                subject_id=str(complaint.pk)).status == "met"
    # served: the complainant, the purchaser and the other suppliers concerned
    winner_user = s["bidders"][0].memberships.get().user
    for person in (winner_user, s["user"]):
        assert Message.objects.filter(recipient=person,
                                      subject__contains=complaint.number).exists()


def test_decision_sends_the_signal_on_commit(setting, django_capture_on_commit_callbacks):
    from complaints.signals import complaint_decided

    s = setting
    complaint = _accepted(s)
    got = []

    def receiver(sender, complaint, **kw):
        got.append(complaint.pk)

    complaint_decided.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            svc.complaint_decide(complaint=complaint, outcome="upheld",
                                 decision_text="投诉事项成立，责令重新评审。",
                                 decision_basis="94号令 第31条", user=s["supervisor"])
    finally:
        complaint_decided.disconnect(receiver)
    assert got == [complaint.pk]


def test_findings_only_with_a_dismissal(setting):
    s = setting
    complaint = _accepted(s)
    with pytest.raises(DomainError) as info:
        svc.complaint_decide(complaint=complaint, outcome="upheld", decision_text="成立的理由。",
                             decision_basis="94号令 第31条", malicious=True,
                             user=s["supervisor"])
    assert info.value.code == "finding_outcome"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_double_submit_creates_one(opened, supervisor):
    lot, bidders = opened
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(lot.project, challenger)
    s = {"challenge": ch, "challenger": challenger, "user": user}
    results = at_once(lambda: file(s), lambda: file(s))
    assert sorted(outcome(r, "ok") for r in results) == ["already_complained", "ok"]
    assert Complaint.objects.count() == 1


def test_a_late_correction_is_refused_and_then_the_bureau_may_reject(setting):
    s = setting
    complaint = file(s)
    asked = timezone.now()
    svc.complaint_request_correction(complaint=complaint, user=s["supervisor"],
                                     request="请补充证据目录。", now=asked)
    # before the time to correct ends, the bureau waits
    with pytest.raises(RuleViolation) as info:
        svc.complaint_reject(complaint=complaint, user=s["supervisor"],
                             reason="逾期未补正。", now=asked + dt.timedelta(hours=1))
    assert info.value.code == "correction_running"
    due = running_deadline(subject=complaint, clock="complaint.correction").due_at
    with pytest.raises(RuleViolation) as info:
        svc.complaint_correct(complaint=complaint, user=s["user"],
                              organization=s["challenger"], facts="迟到的补正。",
                              now=due + dt.timedelta(minutes=1))
    assert info.value.code == "late"
    complaint.refresh_from_db()
    assert complaint.status == "correcting" and complaint.facts != "迟到的补正。"
    svc.complaint_reject(complaint=complaint, user=s["supervisor"],
                         reason="逾期未补正，不予受理。", now=due + dt.timedelta(hours=1))
    complaint.refresh_from_db()
    assert complaint.status == "rejected"
    assert running_deadline(subject=complaint, clock="complaint.correction") is None


def test_the_decision_lifts_the_suspension(setting):
    from contracts.tests.factories import ContractFactory
    from procurement.tests import factories
    from procurement.tests.factories import AwardFactory

    s = setting
    lot = s["project"].lots.get()
    factories.evaluate(lot)
    contract = ContractFactory(award=AwardFactory(lot=lot))
    complaint = _accepted(s)
    svc.complaint_suspend_procurement(complaint=complaint, user=s["supervisor"], days=10,
                                      reason="投诉处理期间暂停采购活动。")
    contract.refresh_from_db()
    assert contract.suspended_reason
    svc.complaint_decide(complaint=complaint, outcome="dismissed",
                         decision_text="投诉事项缺乏事实依据。", decision_basis="94号令 第29条",
                         user=s["supervisor"])
    contract.refresh_from_db()
    complaint.refresh_from_db()
    assert contract.suspended_reason == "" and complaint.procurement_resumed_at


def test_offline_receipt_date_decides_lateness(setting):
    s = setting
    window = svc.complaint_window(s["challenge"])
    with pytest.raises(RuleViolation) as info:
        svc.complaint_register_offline(
            user=s["supervisor"], original=pdf_upload("scan.pdf"), challenge=s["challenge"],
            matters=[o.pk for o in s["challenge"].objections.all()],
            request="请求责令重新评审。", facts="书面投诉：业绩材料虚假。",
            filed_at=window.closes_at + dt.timedelta(hours=1),
            now=window.closes_at + dt.timedelta(days=2))
    assert info.value.code == "late"
    assert not Complaint.objects.exists()
