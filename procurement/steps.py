"""The allowed steps of procurement's status fields (``core.transitions``).

One table per status field. The services take a step only through
``core.transitions.transition(obj, to, table=steps.X, ...)``, which refuses any
other move and leaves a ``core.models.StatusChange`` row; the pages draw their
buttons and the API fills its ``actions`` field from the same tables
(``steps.PROJECT.actions(project)``).

A step's ``name`` is the action (stable: the API exposes it); its ``label`` fits
a button. Some steps are taken by the platform itself, never by a person — the
project following its lots (``services.projects.project_settle``), a lot opened
at its deadline, a bid opened with its lot. They are listed in ``AUTOMATIC`` so
that a page does not draw a button for them (``manual_actions``).

Which service takes which step:

- PROJECT: submit, approve (or refer, when the finance bureau must approve the
  method), return, announce, cancel (``services.projects``); bureau_approve,
  bureau_refuse (``services.approvals``);
  open, evaluate, award, reopen, fail (``project_settle``, following the lots).
- LOT: announce (``project_announce``), open (``lot_open``), evaluate (the
  first ``bid_review``), award (``award_confirm``), fail (``lot_fail``: too few
  bids at opening, 87号令 第43条, or too few qualified, 第44条, or after a revoked
  award), revoke (``award_revoke``), cancel (``project_cancel``).
- BID: withdraw (``bid_withdraw``, or a resubmission), open (``lot_open``),
  qualify / reject and score (``evaluation_complete``), win / lose
  (``award_confirm``); unseat / reinstate (``award_revoke``).
- BID_QUERY: answer (an explanation, 87号令 第60条), confirm (a corrected price
  confirmed by the bidder, 第59条), accept (the committee accepts the answer),
  reject (the bidder declines the correction, or the committee finds the price
  not explained: the bid is invalid) — ``services.queries``.
- DEMAND: check (the fair-competition check on saving), use (a project drafted
  from it, ``project_create``).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.transitions import StateTable, Step

from .models import (
    Bid,
    BidQuery,
    Demand,
    Lot,
    Negotiation,
    Project,
    QualificationApplication,
)

P = Project.Status
L = Lot.Status
B = Bid.Status
Q = BidQuery.Status
D = Demand.Status
QA = QualificationApplication.Status

PROJECT = StateTable("procurement.Project", [
    Step("submit", P.DRAFT, P.SUBMITTED, _("Submit for approval")),
    Step("approve", P.SUBMITTED, P.APPROVED, _("Approve")),
    Step("return", P.SUBMITTED, P.DRAFT, _("Return to the drafter")),
    # 法 第27条; 条例 第23条: the approver's approval refers the method to the finance
    # bureau (``project_approve``), which approves or refuses it (``services.approvals``).
    Step("refer", P.SUBMITTED, P.BUREAU_REVIEW, _("Refer the method to the finance bureau")),
    Step("bureau_approve", P.BUREAU_REVIEW, P.APPROVED, _("Approve the method")),
    Step("bureau_refuse", P.BUREAU_REVIEW, P.DRAFT, _("Refuse the method")),
    Step("announce", P.APPROVED, P.ANNOUNCED, _("Publish the tender announcement")),
    Step("open", P.ANNOUNCED, P.OPENED, pgettext_lazy("step", "Open")),
    Step("evaluate", P.OPENED, P.EVALUATING, _("Start the evaluation")),
    Step("award", P.EVALUATING, P.AWARDED, pgettext_lazy("step", "Award")),
    # An award revoked (94号令 第16条, verify): the project follows its lot back.
    Step("reopen", P.AWARDED, P.EVALUATING, _("Back to evaluation: an award revoked")),
    Step("fail", (P.ANNOUNCED, P.OPENED, P.EVALUATING), P.FAILED,
         pgettext_lazy("step", "Fail")),
    Step("cancel", (P.DRAFT, P.SUBMITTED, P.BUREAU_REVIEW, P.APPROVED, P.ANNOUNCED,
                    P.OPENED, P.EVALUATING),
         P.CANCELLED, _("Cancel the project")),
])

LOT = StateTable("procurement.Lot", [
    Step("announce", L.PENDING, L.BIDDING, pgettext_lazy("step", "Open for bidding")),
    Step("open", L.BIDDING, L.OPENED, _("Open the bids")),
    Step("evaluate", L.OPENED, L.EVALUATING, _("Start the evaluation")),
    Step("award", L.EVALUATING, L.AWARDED, _("Confirm the winner")),
    # Before both parties signed, a challenge upheld that affects the result (94号令
    # 第16条, verify): back to evaluation, where the next qualified candidate is
    # confirmed — or the lot fails (``fail``) and is procured again.
    Step("revoke", L.AWARDED, L.EVALUATING, _("Revoke the award")),
    Step("fail", (L.BIDDING, L.OPENED, L.EVALUATING), L.FAILED,
         pgettext_lazy("step", "Fail")),
    Step("cancel", (L.PENDING, L.BIDDING, L.OPENED, L.EVALUATING), L.CANCELLED,
         _("Cancel the lot")),
])

BID = StateTable("procurement.Bid", [
    Step("withdraw", B.SEALED, B.WITHDRAWN, _("Withdraw the bid")),
    Step("open", B.SEALED, B.OPENED, _("Open the bid")),
    Step("qualify", B.OPENED, B.QUALIFIED, _("Pass the review")),
    Step("reject", B.OPENED, B.REJECTED, _("Reject in review")),
    Step("score", B.QUALIFIED, B.SCORED, pgettext_lazy("step", "Score")),
    Step("win", B.SCORED, B.WON, _("Confirm as the winner")),
    Step("lose", (B.OPENED, B.QUALIFIED, B.REJECTED, B.SCORED), B.LOST, _("Not won")),
    # award_revoke: the revoked winner is out; the other scored candidates are back.
    Step("unseat", B.WON, B.LOST, _("Award revoked")),
    Step("reinstate", B.LOST, B.SCORED, _("Back among the candidates")),
])

BID_QUERY = StateTable("procurement.BidQuery", [
    Step("answer", Q.OPEN, Q.ANSWERED, _("Answer")),
    Step("confirm", Q.OPEN, Q.ACCEPTED, _("Confirm the corrected price")),
    Step("accept", Q.ANSWERED, Q.ACCEPTED, _("Accept the explanation")),
    Step("reject", (Q.OPEN, Q.ANSWERED), Q.REJECTED, _("Do not accept: the bid is invalid")),
])

DEMAND = StateTable("procurement.Demand", [
    Step("check", D.DRAFT, D.CHECKED, _("Run the fair-competition check")),
    Step("use", D.CHECKED, D.USED, _("Draft a project from it")),
])

# 邀请招标: the organiser finds each applicant qualified or not, with the reason
# (services.invitations.qualification_review; 87号令 第14条).
QUALIFICATION = StateTable("procurement.QualificationApplication", [
    Step("qualify", QA.SUBMITTED, QA.QUALIFIED, _("Qualified")),
    Step("disqualify", QA.SUBMITTED, QA.NOT_QUALIFIED, _("Not qualified")),
])

# Negotiation and consultation in rounds (``services.rounds``): the team calls for final
# quotations; they are opened at their deadline, or once every supplier still in has
# submitted; too few suppliers left terminates the procedure (74号令 第37条).
N = Negotiation.Status
NEGOTIATION = StateTable("procurement.Negotiation", [
    Step("call", N.ROUNDS, N.FINAL_QUOTES, _("Call for final quotations")),
    Step("open", N.FINAL_QUOTES, N.CLOSED, _("Open the final quotations")),
    Step("fail", (N.ROUNDS, N.FINAL_QUOTES), N.FAILED, _("Terminate")),
])

TABLES = (PROJECT, LOT, BID, BID_QUERY, DEMAND, QUALIFICATION, NEGOTIATION)

# Steps the platform takes by itself: no person presses a button for them.
AUTOMATIC = {
    PROJECT.model_label: frozenset({"open", "evaluate", "award", "fail", "refer", "reopen"}),
    LOT.model_label: frozenset({"announce", "open", "evaluate", "fail", "cancel"}),
    BID.model_label: frozenset({"open", "qualify", "reject", "score", "win", "lose", "unseat",
                                "reinstate"}),
    BID_QUERY.model_label: frozenset(),
    DEMAND.model_label: frozenset({"check", "use"}),
    QUALIFICATION.model_label: frozenset(),
    NEGOTIATION.model_label: frozenset({"fail"}),
}


def manual_actions(table: StateTable, obj) -> list[str]:
    """The steps a person may take now (``table.actions`` less the platform's own)."""
    automatic = AUTOMATIC.get(table.model_label, frozenset())
    return [name for name in table.actions(obj) if name not in automatic]


def table_for(obj) -> StateTable:
    """The table of ``obj``'s model."""
    label = obj._meta.label
    for table in TABLES:
        if table.model_label == label:
            return table
    raise KeyError(label)
