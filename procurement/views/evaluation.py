"""Evaluation screens: the organiser draws the committee and reviews qualifications,
the committee reviews compliance and scores, the chair reports, the purchaser confirms.

Both pages show ``selectors.lot_evaluation`` — the model the evaluation API returns —
and each POST checks its form and calls one service."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.http import client_ip

from .. import services
from ..forms import AwardRevokeForm, ExplanationForm, QueryDecideForm, ReviewForm, ScoreForm
from ..methods import policy
from ..models import Award, BidQuery, CommitteeMember, Lot, Review
from ..selectors import (
    bid_documents,
    bid_reader,
    committee_seat,
    lot_evaluation,
    lot_for_organiser,
    opened_bids,
)


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
                   "rounds": policy(lot.project.method).rounds,
                   "revoke_form": AwardRevokeForm()})


@login_required
def evaluation_member(request, pk):
    """The committee member's page, from the expert workspace."""
    lot, seat = _lot_for_member(request, pk)
    return render(request, "procurement/evaluation.html",
                  {**lot_evaluation(lot, seat=seat),
                   "rounds": policy(lot.project.method).rounds})


# Shown in the page's viewer; anything else is downloaded.
INLINE_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


@login_required
@require_GET
def bid_read(request, pk):
    """An opened bid as the committee reads it: its documents in a viewer, the itemised
    prices and declarations — and, for a member, the compliance verdict and the scoring
    form beside them. The committee and the organiser only; 404 to everyone else, and to
    everyone before opening. The reading is recorded (``bid_file_access``)."""
    bid, role = bid_reader(pk=pk, user=request.user)
    lot = bid.lot
    services.bid_file_access(bid=bid, actor=request.user, ip=client_ip(request))
    context = {**bid_documents(bid), "lot": lot, "project": lot.project, "role": role,
               "as_member": role == "member"}
    files = context["files"]
    shown = next((f for f in files if str(f.pk) == request.GET.get("file")), None) or next(
        (f for f in files if f.kind in INLINE_TYPES), None)
    context.update(shown=shown, inline_types=INLINE_TYPES)
    if role == "member":
        seat = committee_seat(lot_pk=lot.pk, user=request.user)
        evaluation_ = lot_evaluation(lot, seat=seat)
        context.update(row=next(r for r in evaluation_["rows"] if r["bid"].pk == bid.pk),
                       committee=evaluation_["committee"], criteria=evaluation_["criteria"],
                       is_chair=evaluation_["is_chair"])
    return render(request, "procurement/evaluation_bid.html", context)


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def bid_file(request, pk, file_pk):
    """One file of an opened bid, decrypted — shown in the page's viewer (same origin
    only), or downloaded with ``?download=1``. Each access is recorded."""
    bid, _role = bid_reader(pk=pk, user=request.user)
    record = get_object_or_404(bid.files, pk=file_pk)
    data = services.bid_file_access(bid=bid, actor=request.user, bid_file=record,
                                    ip=client_ip(request))
    inline = record.kind in INLINE_TYPES and not request.GET.get("download")
    response = HttpResponse(data, content_type=INLINE_TYPES.get(record.kind,
                                                                 "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(not inline, record.name)
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request, lot, bid):
    """A member acting from the bid's page goes back to it; else to the committee page."""
    if request.POST.get("back") == "bid":
        return ("procurement:bid-read", bid.pk)
    return ("procurement:evaluation-member", lot.pk)


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
        target = None
    bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
    target = target or _back(request, lot, bid)
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
    target = _back(request, lot, bid)
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
def revoke(request, pk):
    """The purchaser or its agency revokes the award after an upheld challenge, before
    both parties signed (94号令 第16条, verify); the page then offers the next
    candidate, or the lot has failed and may be procured again."""
    award = get_object_or_404(Award, pk=pk)
    lot = _lot_for_organiser(request, award.lot_id)
    target = ("procurement:evaluation", lot.pk)
    form = AwardRevokeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, target)
    return _done(request, target, lambda: services.award_revoke(
        award=award, actor=request.user, organization=request.organization,
        ip=client_ip(request), **form.cleaned_data),
        _("The award is revoked and the result change announced."))


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
