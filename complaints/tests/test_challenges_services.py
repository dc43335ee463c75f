"""The challenge windows and the challenge services: refusals that save nothing, the
answer clock, the threads, suspension and resumption of signing, the answer copied."""

import datetime as dt

import pytest
from django.utils import translation

from complaints.models import Challenge, ChallengeMessage, Evidence, Objection
from complaints.services.challenges import (
    challenge_answer,
    challenge_file,
    challenge_mark_may_change_result,
    challenge_message_post,
    challenge_reject,
    challenge_withdraw,
)
from complaints.windows import CLOSED, NOT_YET, OPEN, challenge_windows
from conftest import org_of
from contracts import services as contracts
from contracts.tests.fixtures import terms
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from deadlines.clock import end_of
from deadlines.models import Deadline
from deadlines.services import running_deadline
from notifications.models import Message
from procurement.models import Announcement
from procurement.services.bidding import Upload

from .factories_challenges import (
    at,
    evidence,
    file,
    holiday,  # noqa: F401  (the fixture)
    objection,
    user_of,
)

pytestmark = pytest.mark.django_db


def windows(project, supplier, now):
    return {(w.stage, w.lot.number if w.lot else None): w
            for w in challenge_windows(project=project, supplier=supplier, now=now)}


def answer_all(challenge, user, decision="dismissed", remedy="none", now=None):
    return challenge_answer(
        challenge=challenge, summary="经审查，质疑事项不成立。", remedy=remedy, user=user,
        organization=challenge.project.purchaser, now=now,
        answers=[{"objection": o.pk, "decision": decision, "answer": "招标文件符合规定。"}
                 for o in challenge.objections.all()])


# --- windows ------------------------------------------------------------------------

@pytest.mark.usefixtures("holiday")
def test_documents_window_runs_from_the_end_of_the_documents_period_across_a_holiday(opened):
    """Obtained on 4 March, offered until 9 March: 7 working days from 9 March skip the
    holiday of 12 March and close at the end of 19 March (not 18 March)."""
    lot, bidders = opened
    w = windows(lot.project, bidders[0], at(2026, 3, 10))[("documents", None)]
    assert w.standing and w.state == OPEN
    assert w.closes_at == end_of(dt.date(2026, 3, 19))
    assert windows(lot.project, bidders[0], at(2026, 3, 20))[("documents", None)].state == \
        CLOSED


def test_process_windows_follow_the_opening_and_the_report(opened):
    lot, bidders = opened
    ws = windows(lot.project, bidders[0], at(2026, 3, 24))
    assert ws[("opening", 1)].state == OPEN
    assert ws[("opening", 1)].opened_at == lot.opened_at
    assert ws[("evaluation", 1)].state == NOT_YET  # no report yet


def test_result_window_opens_at_the_end_of_the_result_period_and_uses_the_stored_end(
        awarded):
    project = awarded.lot.project
    stored = Announcement.objects.get(project=project, kind="result").fields["challenge"]
    bidder = awarded.bid.supplier
    w = windows(project, bidder, at(2026, 3, 24, 15))[("result", 1)]
    assert w.state == NOT_YET
    assert w.opened_at == dt.datetime.fromisoformat(stored["start"])
    assert w.closes_at == end_of(dt.date.fromisoformat(stored["end"]))


def test_an_outsider_has_no_standing_anywhere(awarded, charlie):
    for w in challenge_windows(project=awarded.lot.project, supplier=org_of(charlie),
                               now=at(2026, 3, 26)):
        assert not w.standing and w.reason


# --- filing ----------------------------------------------------------------------------

@pytest.mark.usefixtures("holiday")
def test_filed_in_time_numbered_with_a_clock_and_the_reviewers_told(opened, alice):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10), files=[evidence()])
    assert challenge.number == "ZY-2026-0001"
    assert challenge.window_closes_at == end_of(dt.date(2026, 3, 19))
    assert challenge.objections.count() == 1 and challenge.evidence.count() == 1
    clock = running_deadline(subject=challenge, clock="challenge.answer")
    # 7 working days from 10 March, across the holiday of 12 March.
    assert clock.due_at == end_of(dt.date(2026, 3, 20))
    assert Message.objects.filter(recipient=alice, category="complaints.challenge").exists()
    second = file(lot.project, bidders[1], now=at(2026, 3, 10))
    assert second.number == "ZY-2026-0002"


@pytest.mark.usefixtures("holiday")
def test_a_day_late_is_refused_with_the_closing_date_and_nothing_saved(opened):
    lot, bidders = opened
    with pytest.raises(RuleViolation) as refused:
        file(lot.project, bidders[0], now=at(2026, 3, 20), files=[evidence()])
    assert refused.value.code == "challenge_late"
    assert "2026-03-19" in str(refused.value)
    assert "法 第52条" in refused.value.basis
    assert not Challenge.objects.exists() and not Evidence.objects.exists()


def test_never_obtained_the_documents_is_refused_with_reason_date_and_basis(opened, charlie):
    lot, _bidders = opened
    with pytest.raises(RuleViolation) as refused:
        file(lot.project, org_of(charlie), now=at(2026, 3, 10))
    assert refused.value.code == "no_standing"
    with translation.override("en"):
        assert "never obtained" in str(refused.value)
    assert "2026-03-18" in str(refused.value)  # the window others have closes then
    assert "94号令 第11条" in refused.value.basis
    assert not Challenge.objects.exists()


def test_empty_objections_and_bad_files_are_refused(opened):
    lot, bidders = opened
    with pytest.raises(DomainError) as refused:
        challenge_file(project=lot.project, supplier=bidders[0], user=user_of(bidders[0]),
                       trigger="documents", objections=[], contact_name="王经理",
                       contact_phone="13800000000", now=at(2026, 3, 10))
    assert refused.value.code == "no_objections"
    with pytest.raises(DomainError) as refused:
        file(lot.project, bidders[0], now=at(2026, 3, 10),
             files=[Upload("证据.pdf", b"MZ this is no pdf at all")])
    assert refused.value.code.startswith("file_")
    assert not Challenge.objects.exists() and not Objection.objects.exists()


def test_a_repeated_idempotency_key_returns_the_first_filing(opened):
    lot, bidders = opened
    first = file(lot.project, bidders[0], now=at(2026, 3, 10), idempotency_key="k1")
    again = file(lot.project, bidders[0], now=at(2026, 3, 10, 11), idempotency_key="k1")
    assert again.pk == first.pk and Challenge.objects.count() == 1


# --- the thread ---------------------------------------------------------------------------

def test_each_party_has_its_own_thread(opened, alice, charlie):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10))
    purchaser = lot.project.purchaser
    challenge_message_post(challenge=challenge, user=alice, organization=purchaser,
                           party=bidders[1], body="请说明贵公司对本地业绩要求的意见。",
                           now=at(2026, 3, 11))
    challenge_message_post(challenge=challenge, user=user_of(bidders[0]),
                           organization=bidders[0], body="请尽快答复。", now=at(2026, 3, 11))
    assert set(ChallengeMessage.objects.values_list("party", flat=True)) == {
        bidders[0].pk, bidders[1].pk}
    with pytest.raises(PermissionDenied):
        challenge_message_post(challenge=challenge, user=user_of(bidders[0]),
                               organization=bidders[0], party=bidders[1], body="插话",
                               now=at(2026, 3, 11))
    with pytest.raises(PermissionDenied):
        challenge_message_post(challenge=challenge, user=charlie,
                               organization=org_of(charlie), body="外人插话",
                               now=at(2026, 3, 11))
    with pytest.raises(DomainError):  # the reviewer names a party of the challenge
        challenge_message_post(challenge=challenge, user=alice, organization=purchaser,
                               party=org_of(charlie), body="问外人", now=at(2026, 3, 11))


# --- rejection and withdrawal -----------------------------------------------------------

def test_reject_takes_a_typed_reason_and_meets_the_clock(opened, alice):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10))
    with pytest.raises(DomainError):
        challenge_reject(challenge=challenge, reason="because", detail="没有理由的拒绝",
                         user=alice, organization=lot.project.purchaser, now=at(2026, 3, 11))
    challenge = challenge_reject(challenge=challenge, reason="no_facts",
                                 detail="未提供必要的证明材料。", user=alice,
                                 organization=lot.project.purchaser, now=at(2026, 3, 11))
    assert challenge.status == "rejected"
    assert Deadline.objects.get(clock="challenge.answer").status == "met"
    with pytest.raises(InvalidTransition):
        challenge_withdraw(challenge=challenge, user=user_of(bidders[0]),
                           organization=bidders[0], now=at(2026, 3, 12))


def test_only_the_challenger_withdraws(opened):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10))
    with pytest.raises(PermissionDenied):
        challenge_withdraw(challenge=challenge, user=user_of(bidders[1]),
                           organization=bidders[1], now=at(2026, 3, 11))
    challenge = challenge_withdraw(challenge=challenge, user=user_of(bidders[0]),
                                   organization=bidders[0], now=at(2026, 3, 11))
    assert challenge.status == "withdrawn" and challenge.closed_at


# --- suspension of signing ----------------------------------------------------------------

def result_time(award, hours=2):
    stored = Announcement.objects.get(project=award.lot.project, kind="result")
    return dt.datetime.fromisoformat(stored.fields["challenge"]["start"]) + \
        dt.timedelta(hours=hours)


def result_challenge(award, supplier, now):
    return file(award.lot.project, supplier, trigger="result", now=now,
                objections=[objection(relates_to="award", lot=award.lot.pk)])


def test_before_any_contract_the_sign_clock_pauses_and_a_later_draft_is_suspended(
        awarded, alice):
    loser = awarded.lot.bids.exclude(pk=awarded.bid_id).first().supplier
    t = result_time(awarded)
    challenge = result_challenge(awarded, loser, t)
    challenge_mark_may_change_result(challenge=challenge, user=alice,
                                     organization=awarded.lot.project.purchaser, now=t)
    clock = running_deadline(subject=awarded, clock="contract.sign")
    assert clock.paused_at == t
    contract = contracts.contract_draft(award=awarded, actor=alice,
                                        now=t + dt.timedelta(hours=1), **terms())
    assert "ZY-2026-0001" in contract.suspended_reason
    with pytest.raises(RuleViolation):
        contracts.contract_sign(contract=contract, actor=alice,
                                organization=contract.purchaser,
                                pdf_sha256=contract.pdf_sha256, now=t + dt.timedelta(hours=2))
    challenge = answer_all(challenge, alice, now=t + dt.timedelta(days=1))
    contract.refresh_from_db()
    assert contract.suspended_reason == "" and challenge.resumed_at
    assert running_deadline(subject=awarded, clock="contract.sign").paused_at is None


def test_signing_resumes_only_when_no_challenge_still_suspends_it(awarded, alice):
    project = awarded.lot.project
    losers = [b.supplier for b in awarded.lot.bids.exclude(pk=awarded.bid_id)]
    t = result_time(awarded)
    contract = contracts.contract_draft(award=awarded, actor=alice, now=t, **terms())
    first = result_challenge(awarded, losers[0], t)
    second = result_challenge(awarded, losers[1], t)
    for c in (first, second):
        challenge_mark_may_change_result(challenge=c, user=alice,
                                         organization=project.purchaser, now=t)
    contract.refresh_from_db()
    assert contract.suspended_reason
    assert running_deadline(subject=awarded, clock="contract.sign").paused_at == t
    answer_all(first, alice, now=t + dt.timedelta(days=1))
    contract.refresh_from_db()
    assert contract.suspended_reason  # the second still holds it
    challenge_withdraw(challenge=second, user=user_of(losers[1]), organization=losers[1],
                       now=t + dt.timedelta(days=2))
    contract.refresh_from_db()
    assert contract.suspended_reason == ""
    assert running_deadline(subject=awarded, clock="contract.sign").paused_at is None


def test_the_finance_bureau_may_mark_but_an_outsider_may_not(awarded, supervisor, charlie):
    loser = awarded.lot.bids.exclude(pk=awarded.bid_id).first().supplier
    t = result_time(awarded)
    challenge = result_challenge(awarded, loser, t)
    with pytest.raises(PermissionDenied):
        challenge_mark_may_change_result(challenge=challenge, user=charlie,
                                         organization=org_of(charlie), now=t)
    challenge = challenge_mark_may_change_result(challenge=challenge, user=supervisor,
                                                 organization=org_of(supervisor), now=t)
    assert challenge.may_change_result and challenge.suspended_at == t


# --- the answer ---------------------------------------------------------------------------

def test_every_objection_is_answered_and_the_answer_copied_to_the_others(opened, alice,
                                                                         django_capture_on_commit_callbacks):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10),
                     objections=[objection(), objection(relates_to="process")])
    first = challenge.objections.get(number=1)
    with pytest.raises(DomainError) as refused:
        challenge_answer(challenge=challenge, summary="部分答复内容", remedy="none",
                         user=alice, organization=lot.project.purchaser,
                         answers=[{"objection": first.pk, "decision": "upheld",
                                   "answer": "成立，将修改。"}], now=at(2026, 3, 11))
    assert refused.value.code == "objection_unanswered"
    from complaints.signals import challenge_answered
    received = []
    challenge_answered.connect(lambda **kw: received.append(kw["challenge"]), weak=False,
                               dispatch_uid="test-answered")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            challenge = challenge_answer(
                challenge=challenge, summary="质疑部分成立，修改招标文件。", remedy="amend",
                user=alice, organization=lot.project.purchaser, now=at(2026, 3, 11),
                answers=[{"objection": o.pk, "decision": d, "answer": "答复意见如下。"}
                         for o, d in zip(challenge.objections.order_by("number"),
                                         ("upheld", "dismissed"), strict=True)])
    finally:
        challenge_answered.disconnect(dispatch_uid="test-answered")
    assert challenge.outcome == "partly" and challenge.answer_published_at
    assert received == [challenge]
    assert Deadline.objects.get(clock="challenge.answer").status == "met"
    for supplier in bidders:
        assert Message.objects.filter(recipient=user_of(supplier),
                                      category="complaints.challenge",
                                      subject__contains="答复").exists()


def test_a_dismissed_challenge_changes_nothing(opened, alice):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10))
    with pytest.raises(DomainError) as refused:
        answer_all(challenge, alice, decision="dismissed", remedy="retender",
                   now=at(2026, 3, 11))
    assert refused.value.field == "remedy"
    assert Challenge.objects.get().status == "pending"


def test_only_the_reviewer_answers(opened, charlie):
    lot, bidders = opened
    challenge = file(lot.project, bidders[0], now=at(2026, 3, 10))
    with pytest.raises(PermissionDenied):
        challenge_answer(challenge=challenge, summary="外人答复内容", remedy="none",
                         user=charlie, organization=org_of(charlie), answers=[],
                         now=at(2026, 3, 11))


def test_an_upheld_challenge_of_a_failed_lot_is_retendered_through_procurement(opened,
                                                                              alice):
    from procurement.services.opening import lot_fail

    lot, bidders = opened
    t = at(2026, 3, 24)
    challenge = file(lot.project, bidders[0], trigger="process", now=t,
                     objections=[objection(relates_to="process", lot=lot.pk)])
    lot_fail(lot=lot, reason="开标记录不完整，本包废标。", basis="87号令 第43条", detail={},
             now=t, actor=alice)
    challenge = answer_all(challenge, alice, decision="upheld", remedy="retender",
                           now=t + dt.timedelta(hours=1))
    assert challenge.remedy == "retender"
    retender = lot.project.retenders.get()
    assert retender.status == "draft" and retender.lots.count() == 1


def test_an_award_confirmed_while_a_challenge_suspends_pauses_its_clock_at_once(opened,
                                                                                alice):
    from contracts.tests.factories import deliver_award_confirmed
    from procurement.tests.factories import AwardFactory

    lot, bidders = opened
    t = at(2026, 3, 23, 15)
    challenge = file(lot.project, bidders[1], trigger="process", now=t,
                     objections=[objection(relates_to="process", lot=lot.pk)])
    challenge_mark_may_change_result(challenge=challenge, user=alice,
                                     organization=lot.project.purchaser, now=t)
    award = AwardFactory(lot=lot, confirmed_by=alice)
    deliver_award_confirmed(award)
    clock = running_deadline(subject=award, clock="contract.sign")
    assert clock.paused_at == award.confirmed_at
    challenge_withdraw(challenge=challenge, user=user_of(bidders[1]),
                       organization=bidders[1], now=award.confirmed_at + dt.timedelta(days=2))
    resumed = running_deadline(subject=award, clock="contract.sign")
    assert resumed.paused_at is None and resumed.due_at > clock.due_at


# --- an upheld challenge of the result, carried out through procurement -------------------

def upheld(challenge, user, remedy, now):
    return challenge_answer(
        challenge=challenge, summary="中标人业绩证明材料不实，质疑成立。", remedy=remedy,
        user=user, organization=challenge.project.purchaser, now=now,
        answers=[{"objection": o.pk, "decision": "upheld", "answer": "经核实，质疑成立。"}
                 for o in challenge.objections.all()])


def test_an_upheld_challenge_with_retender_revokes_fails_and_procures_again(awarded, alice):
    """94号令 第16条 (verify): the award revoked, the lot failed, the re-tender drafted —
    and the unsigned contract voided once contracts hears of it."""
    from contracts.models import Contract
    from procurement.models import Award, Lot
    from procurement.tests.test_award_revoke import deliver

    loser = awarded.lot.bids.exclude(pk=awarded.bid_id).first().supplier
    t = result_time(awarded)
    challenge = result_challenge(awarded, loser, t)
    challenge_mark_may_change_result(challenge=challenge, user=alice,
                                     organization=awarded.lot.project.purchaser, now=t)
    contract = contracts.contract_draft(award=awarded, actor=alice,
                                        now=t + dt.timedelta(hours=1), **terms())
    challenge = upheld(challenge, alice, "retender", t + dt.timedelta(days=1))
    award = Award.objects.get(pk=awarded.pk)
    assert award.revoked_at and challenge.number in award.revoked_reason
    lot = Lot.objects.get(pk=awarded.lot_id)
    assert lot.status == "failed"
    retender = lot.project.retenders.get()
    assert retender.status == "draft" and retender.lots.count() == 1
    assert Announcement.objects.filter(project=lot.project, kind="result_change").exists()
    contract.refresh_from_db()
    assert contract.suspended_reason  # not resumed: it is voided instead
    deliver(award)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.VOID


def test_an_upheld_challenge_with_reevaluation_leaves_the_lot_for_the_next(approved, alice):
    from procurement.models import Bid, Lot
    from procurement.services import award_confirm
    from procurement.tests.test_award_revoke import awarded_lot

    award, bidders = awarded_lot(approved, alice, 4)
    t = result_time(award)
    challenge = result_challenge(award, bidders[1], t)
    upheld(challenge, alice, "reevaluate", t + dt.timedelta(days=1))
    lot = Lot.objects.get(pk=award.lot_id)
    assert lot.status == "evaluating" and not hasattr(lot, "award")
    assert not lot.project.retenders.exists()
    second = Bid.objects.get(lot=lot, supplier=bidders[1])
    award_confirm(lot=lot, bid=second, actor=alice, now=t + dt.timedelta(days=2))
    assert Lot.objects.get(pk=lot.pk).award.bid == second


def test_an_upheld_challenge_after_both_signed_leaves_the_award(awarded, alice):
    from contracts.tests.factories import ContractFactory
    from procurement.models import Award

    loser = awarded.lot.bids.exclude(pk=awarded.bid_id).first().supplier
    t = result_time(awarded)
    challenge = result_challenge(awarded, loser, t)
    ContractFactory(award=awarded, signed=True)
    challenge = upheld(challenge, alice, "reevaluate", t + dt.timedelta(days=1))
    assert challenge.status == "answered"
    assert Award.objects.get(pk=awarded.pk).revoked_at is None
    from audit.models import AuditEvent
    event = AuditEvent.objects.get(action="challenge.answer")
    assert event.detail["signed_lots"] == [awarded.lot.number]
