"""Negotiation and consultation in rounds: the team's workspace (sessions with each
supplier, written changes, exclusions, the call for final quotations, the quotations
once opened) and the supplier's page (the changes sent to it, its own sessions, its
final quotation). Each POST checks its form and calls one service
(``services.rounds``); GET reads ``selectors.negotiation_workspace`` /
``negotiation_for_supplier`` and writes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.http import client_ip

from .. import services
from ..forms import DocumentChangeForm, ExcludeForm, FinalCallForm, FinalQuoteForm, SessionForm
from ..methods import policy
from ..models import Bid, Lot
from ..selectors import (
    bids_of,
    committee_seat,
    lot_for_organiser,
    negotiation_for_supplier,
    negotiation_workspace,
)


def _lot(request, pk) -> tuple[Lot, bool]:
    """The lot for a member of its team (who acts), or for its organisers (who read)."""
    seat = committee_seat(lot_pk=pk, user=request.user)
    if seat is not None:
        lot = seat.committee.lot
        member = True
    else:
        lot = lot_for_organiser(pk=pk, organization=request.organization)
        member = False
    if not policy(lot.project.method).rounds:
        raise Http404
    return lot, member


@login_required
def negotiation(request, pk):
    lot, member = _lot(request, pk)
    return render(request, "procurement/negotiation.html", {
        **negotiation_workspace(lot), "lot": lot, "project": lot.project, "member": member,
        "session_form": SessionForm(), "change_form": DocumentChangeForm(),
        "exclude_form": ExcludeForm(), "call_form": FinalCallForm()})


def _act(request, pk, form_class, call, success):
    lot, _member = _lot(request, pk)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            messages.error(request, errors[0] if errors else _("Check the form."))
            return redirect("procurement:negotiation", lot.pk)
        kwargs = form.cleaned_data
    try:
        call(lot=lot, actor=request.user, ip=client_ip(request), **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("procurement:negotiation", lot.pk)


def _bid_of(lot_pk, bid_pk) -> Bid:
    return get_object_or_404(Bid, pk=bid_pk, lot_id=lot_pk)


@login_required
@require_POST
def session_record(request, pk, bid_pk):
    bid = _bid_of(pk, bid_pk)
    return _act(request, pk, SessionForm,
                lambda **kw: services.negotiation_session_record(bid=bid, **kw),
                _("The session's notes are recorded."))


@login_required
@require_POST
def change_issue(request, pk):
    return _act(request, pk, DocumentChangeForm, services.document_change_issue,
                _("The change is sent in writing to every supplier still in."))


@login_required
@require_POST
def exclude(request, pk, bid_pk):
    bid = _bid_of(pk, bid_pk)
    return _act(request, pk, ExcludeForm,
                lambda **kw: services.negotiation_exclude(bid=bid, **kw),
                _("The supplier is excluded and told why."))


@login_required
@require_POST
def round_next(request, pk):
    return _act(request, pk, None, services.negotiation_round_next,
                _("The next round begins."))


@login_required
@require_POST
def final_call(request, pk):
    return _act(request, pk, FinalCallForm, services.final_quotes_call,
                _("Final quotations are called for; the suppliers are told."))


@login_required
@require_POST
def final_open(request, pk):
    return _act(request, pk, None, services.final_quotes_open,
                _("The final quotations are opened."))


# --- the supplier -----------------------------------------------------------------

def _own_bid(request, pk) -> Bid:
    org = acting_organization(request, Organization.Kind.SUPPLIER)
    bid = get_object_or_404(bids_of(org).select_related("lot__project"), pk=pk)
    if not policy(bid.lot.project.method).rounds:
        raise Http404
    return bid


@login_required
def bid_negotiation(request, pk):
    bid = _own_bid(request, pk)
    form = FinalQuoteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.final_quote_submit(bid=bid, actor=request.user,
                                            ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your final quotation is sealed."))
                return redirect("procurement:bid-negotiation", bid.pk)
    return render(request, "procurement/bid_negotiation.html", {
        **negotiation_for_supplier(bid), "bid": bid, "lot": bid.lot, "form": form})
