"""Evaluation screens: the organiser draws the committee and reviews qualifications,
the committee reviews compliance and scores, the chair reports, the purchaser confirms.

Both pages show ``selectors.lot_evaluation`` — the model the evaluation API returns —
and each POST checks its form and calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.http import client_ip

from .. import services
from ..forms import ExplanationForm, QueryDecideForm, ReviewForm, ScoreForm
from ..methods import policy
from ..models import BidQuery, CommitteeMember, Lot, Review
from ..selectors import committee_seat, lot_evaluation, lot_for_organiser, opened_bids


def _lot_for_organiser(request, pk) -> Lot:
    return lot_for_organiser(pk=pk, organization=request.organization)


def _lot_for_member(request, pk) -> tuple[Lot, CommitteeMember]:
    seat = committee_seat(lot_pk=pk, user=request.user)
    if seat is None:
        raise Http404
    return seat.committee.lot, seat


@login_required
def evaluation(request, pk):
    """The organiser's page (purchaser, agency; supervision reads)."""
    lot = _lot_for_organiser(request, pk)
    return render(request, "procurement/evaluation.html",
                  {**lot_evaluation(lot), "organiser": True,
                   "rounds": policy(lot.project.method).rounds})


@login_required
def evaluation_member(request, pk):
    """The committee member's page, from the expert workspace."""
    lot, seat = _lot_for_member(request, pk)
    return render(request, "procurement/evaluation.html",
                  {**lot_evaluation(lot, seat=seat),
                   "rounds": policy(lot.project.method).rounds})


def _done(request, target, call, success):
    """Call the service; tell the person what happened; back to the page. The service
    records a refusal itself."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(*target)


def _invalid(request, form, target):
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, errors[0] if errors else _("Check the form."))
    return redirect(*target)


@login_required
@require_POST
def committee_draw(request, pk):
    lot = _lot_for_organiser(request, pk)
    return _done(request, ("procurement:evaluation", lot.pk), lambda: services.committee_draw(
        lot=lot, actor=request.user, ip=client_ip(request)),
        _("The committee is drawn; its members are invited."))


@login_required
@require_POST
def review(request, pk, bid_pk, stage):
    if stage not in Review.Stage.values:
        raise Http404
    if stage == Review.Stage.QUALIFICATION:
        lot = _lot_for_organiser(request, pk)
        target = ("procurement:evaluation", lot.pk)
    else:
        lot, _seat = _lot_for_member(request, pk)
        target = ("procurement:evaluation-member", lot.pk)
    bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, target)
    return _done(request, target, lambda: services.bid_review(
        bid=bid, stage=stage, actor=request.user, ip=client_ip(request), **form.cleaned_data),
        _("The review is recorded."))


@login_required
@require_POST
def score(request, pk, bid_pk):
    lot, _seat = _lot_for_member(request, pk)
    bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
    target = ("procurement:evaluation-member", lot.pk)
    form = ScoreForm(request.POST, criteria=lot.project.demand.criteria.exclude(kind="price"))
    if not form.is_valid():
        return _invalid(request, form, target)
    return _done(request, target, lambda: services.score_submit(
        bid=bid, expert=request.user, points=form.points(), ip=client_ip(request)),
        _("Your scores are saved."))


@login_required
@require_POST
def report(request, pk):
    lot, _seat = _lot_for_member(request, pk)
    return _done(request, ("procurement:evaluation-member", lot.pk),
                 lambda: services.evaluation_complete(lot=lot, actor=request.user,
                                                      ip=client_ip(request)),
                 _("The evaluation report is submitted to the purchaser."))


@login_required
@require_POST
def confirm(request, pk, bid_pk):
    lot = _lot_for_organiser(request, pk)
    bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
    return _done(request, ("procurement:evaluation", lot.pk), lambda: services.award_confirm(
        lot=lot, bid=bid, actor=request.user, ip=client_ip(request)),
        _("The winner is confirmed: the award notice and the result announcement are out."))


@login_required
@require_POST
def explanation_request(request, pk, bid_pk):
    lot, _seat = _lot_for_member(request, pk)
    bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
    target = ("procurement:evaluation-member", lot.pk)
    form = ExplanationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, target)
    return _done(request, target, lambda: services.explanation_request(
        bid=bid, actor=request.user, ip=client_ip(request), **form.cleaned_data),
        _("The bidder is asked for a written explanation."))


@login_required
@require_POST
def query_decide(request, pk, query_pk):
    lot, _seat = _lot_for_member(request, pk)
    query = get_object_or_404(BidQuery, pk=query_pk, bid__lot=lot)
    target = ("procurement:evaluation-member", lot.pk)
    form = QueryDecideForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, target)
    return _done(request, target, lambda: services.bid_query_decide(
        query=query, actor=request.user, ip=client_ip(request), **form.cleaned_data),
        _("The decision is recorded and the bidder told."))
