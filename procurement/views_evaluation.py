"""Evaluation screens: the organiser draws the committee and reviews qualifications,
the committee reviews compliance and scores, the chair reports, the purchaser confirms."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.http import client_ip

from . import services
from .models import Bid, BidQuery, CommitteeMember, EvaluationResult, Lot, Review, Score
from .selectors import committee_seat, lot_for_organiser


def _lot_for_organiser(request, pk) -> Lot:
    return lot_for_organiser(pk=pk, organization=request.organization)


def _lot_for_member(request, pk) -> tuple[Lot, CommitteeMember]:
    member = committee_seat(lot_pk=pk, user=request.user)
    if member is None:
        raise Http404
    return member.committee.lot, member


def _context(lot, user):
    bids = list(Bid.objects.filter(lot=lot).exclude(status__in=["sealed", "withdrawn"])
                .select_related("supplier").prefetch_related("reviews").order_by("price"))
    reviews = {(r.bid_id, r.stage): r for b in bids for r in b.reviews.all()}
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    mine = {(s.bid_id, s.criterion_id): s.points
            for s in Score.objects.filter(bid__lot=lot, expert=user)}
    committee = getattr(lot, "committee", None)
    queries = list(BidQuery.objects.filter(bid__lot=lot).select_related("bid__supplier"))
    asked = {q.bid_id for q in queries if q.kind == BidQuery.Kind.ABNORMALLY_LOW}
    low = services.abnormally_low_bids(lot) if committee and not committee.report_at \
        else set()
    rows = [{"bid": b, "qualification": reviews.get((b.pk, "qualification")),
             "compliance": reviews.get((b.pk, "compliance")),
             "low": b.pk in low, "asked": b.pk in asked,
             "points": [(c, mine.get((b.pk, c.pk), "")) for c in criteria]} for b in bids]
    return {"lot": lot, "project": lot.project, "rows": rows, "criteria": criteria,
            "committee": committee, "queries": queries,
            "members": committee.members.select_related("expert") if committee else [],
            "results": EvaluationResult.objects.filter(bid__lot=lot).select_related(
                "bid__supplier").order_by("-candidate", "rank"),
            "award": getattr(lot, "award", None)}


@login_required
def evaluation(request, pk):
    """The organiser's page (purchaser, agency; supervision reads)."""
    lot = _lot_for_organiser(request, pk)
    return render(request, "procurement/evaluation.html",
                  {**_context(lot, request.user), "as_member": False, "organiser": True})


@login_required
def evaluation_member(request, pk):
    """The committee member's page, from the expert workspace."""
    lot, member = _lot_for_member(request, pk)
    return render(request, "procurement/evaluation.html",
                  {**_context(lot, request.user), "as_member": True,
                   "is_chair": member.role == CommitteeMember.Role.CHAIR})


def _done(request, target, fn, success):
    try:
        fn()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
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
        lot, _member = _lot_for_member(request, pk)
        target = ("procurement:evaluation-member", lot.pk)
    bid = get_object_or_404(Bid, pk=bid_pk, lot=lot)
    passed = request.POST.get("passed") == "yes"
    return _done(request, target, lambda: services.bid_review(
        bid=bid, stage=stage, passed=passed, reason=request.POST.get("reason", ""),
        actor=request.user, ip=client_ip(request)), _("The review is recorded."))


@login_required
@require_POST
def score(request, pk, bid_pk):
    lot, _member = _lot_for_member(request, pk)
    bid = get_object_or_404(Bid, pk=bid_pk, lot=lot)
    points = {}
    try:
        for criterion in lot.project.demand.criteria.exclude(kind="price"):
            points[criterion.pk] = Decimal(request.POST.get(f"c{criterion.pk}", "").strip())
    except InvalidOperation:
        messages.error(request, _("Enter every score as a number."))
        return redirect("procurement:evaluation-member", pk=lot.pk)
    return _done(request, ("procurement:evaluation-member", lot.pk),
                 lambda: services.score_submit(bid=bid, expert=request.user, points=points,
                                               ip=client_ip(request)),
                 _("Your scores are saved."))


@login_required
@require_POST
def report(request, pk):
    lot, _member = _lot_for_member(request, pk)
    return _done(request, ("procurement:evaluation-member", lot.pk),
                 lambda: services.evaluation_complete(lot=lot, actor=request.user,
                                                      ip=client_ip(request)),
                 _("The evaluation report is submitted to the purchaser."))


@login_required
@require_POST
def confirm(request, pk, bid_pk):
    lot = _lot_for_organiser(request, pk)
    bid = get_object_or_404(Bid, pk=bid_pk, lot=lot)
    return _done(request, ("procurement:evaluation", lot.pk), lambda: services.award_confirm(
        lot=lot, bid=bid, actor=request.user, ip=client_ip(request)),
        _("The winner is confirmed: the award notice and the result announcement are out."))


@login_required
@require_POST
def explanation_request(request, pk, bid_pk):
    lot, _member = _lot_for_member(request, pk)
    bid = get_object_or_404(Bid, pk=bid_pk, lot=lot)
    return _done(request, ("procurement:evaluation-member", lot.pk),
                 lambda: services.explanation_request(
                     bid=bid, actor=request.user, question=request.POST.get("question", ""),
                     ip=client_ip(request)),
                 _("The bidder is asked for a written explanation."))


@login_required
@require_POST
def query_decide(request, pk, query_pk):
    lot, _member = _lot_for_member(request, pk)
    query = get_object_or_404(BidQuery, pk=query_pk, bid__lot=lot)
    return _done(request, ("procurement:evaluation-member", lot.pk),
                 lambda: services.bid_query_decide(
                     query=query, actor=request.user,
                     accepted=request.POST.get("accepted") == "yes",
                     reason=request.POST.get("reason", ""), ip=client_ip(request)),
                 _("The decision is recorded and the bidder told."))
