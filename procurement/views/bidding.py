"""Suppliers obtain documents, seal bids and follow them; everyone entitled sees the
opening table. These pages read only: the lot is opened at its deadline by the task
scheduled for it (``tasks.open_project_at_deadline``), never by a page view."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services, steps
from ..forms import BidForm, QueryAnswerForm
from ..methods import policy
from ..models import Award, BidQuery, Lot, Project
from ..selectors import (
    actions_of,
    award_notice_visible_to,
    bid_filterset,
    bid_outcome,
    bids_of,
    lot_opening,
    opening_visible_to,
    priced_lines,
)

K = Organization.Kind


@login_required
@require_POST
def documents_obtain(request, pk):
    org = acting_organization(request, K.SUPPLIER)
    project = get_object_or_404(Project, pk=pk, status=Project.Status.ANNOUNCED)
    try:
        services.documents_obtain(project=project, supplier=org, user=request.user,
                                  ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have the documents (free of charge). Clarifications "
                                    "will reach you by SMS and in the inbox."))
    announcement = project.announcements.filter(kind__in=["tender", "single_source"]).first()
    return redirect(announcement or "disclosure:notice-list")


@login_required
def bid_create(request, lot_pk):
    org = acting_organization(request, K.SUPPLIER)
    # The items read once: for the form, the lines and bid_submit's SME declaration.
    lot = get_object_or_404(Lot.objects.select_related("project", "project__purchaser")
                            .prefetch_related("items"), pk=lot_pk, status=Lot.Status.BIDDING)
    initial = {"contact_name": request.user.display_name, "contact_phone": request.user.mobile,
               "sme_scale": org.scale, "idempotency_key": uuid.uuid4().hex}
    form = BidForm(request.POST or None, request.FILES or None, initial=initial,
                   items=lot.items.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bid = services.bid_submit(
                lot=lot, supplier=org, user=request.user, price=data["price"],
                brand=data["brand"], model=data["model"], sme_scale=data["sme_scale"],
                sme_items_by_smes=data["sme_items_by_smes"], sme_items=form.sme_items(),
                consortium_control=data["consortium_control"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                files=[services.Upload(f.name, f.read()) for f in data["files"]],
                ip=client_ip(request), device_id=data["device_id"],
                idempotency_key=data["idempotency_key"], price_words=data["price_words"],
                lines=priced_lines(lot=lot, unit_prices=form.unit_prices()),
                consortium=data["consortium"])
        except DomainError as exc:
            add_domain_error(form, exc)  # bid_submit recorded the refusal ("bid.refused")
        else:
            messages.success(request, _("Your bid is sealed. Keep the receipt."))
            return redirect("procurement:bid-detail", pk=bid.pk)
    return render(request, "procurement/bid_form.html", {
        "form": form, "lot": lot, "project": lot.project,
        "deadline": lot.project.bid_deadline, "now": timezone.now()})


@login_required
def bid_list(request):
    org = acting_organization(request, K.SUPPLIER)
    filterset = bid_filterset(supplier=org, filters=request.GET)
    return render(request, "procurement/bid_list.html",
                  {"bids": filterset.qs, "filter": filterset})


@login_required
def bid_detail(request, pk):
    org = acting_organization(request, K.SUPPLIER)
    bid = get_object_or_404(bids_of(org), pk=pk)  # another supplier's bid: 404
    lot = bid.lot
    now = timezone.now()
    queries = list(bid.queries.all())
    for query in queries:
        query.actions = actions_of(query)
    opening_view = lot_opening(lot, now=now)
    return render(request, "procurement/bid_detail.html", {
        "bid": bid, "lot": lot, "files": bid.files.all(),
        "rounds": policy(lot.project.method).rounds and bid.opened_at is not None,
        "opening": opening_view, "table": opening_view["rows"],
        # Withdrawn until the deadline by the server clock (87号令 第34条).
        "can_withdraw": steps.BID.can(bid, "withdraw") and now < lot.project.bid_deadline,
        "queries": queries, **bid_outcome(bid)})


@login_required
@require_POST
def query_answer(request, pk, query_pk):
    """The bidder confirms a corrected price or explains an abnormally low one."""
    org = acting_organization(request, K.SUPPLIER)
    bid = get_object_or_404(bids_of(org), pk=pk)
    query = get_object_or_404(BidQuery, pk=query_pk, bid=bid)
    form = QueryAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm the corrected price, or decline it."))
        return redirect("procurement:bid-detail", pk=bid.pk)
    try:
        services.bid_query_answer(query=query, user=request.user, ip=client_ip(request),
                                  **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your answer is with the evaluation committee."))
    return redirect("procurement:bid-detail", pk=bid.pk)


@login_required
@require_POST
def bid_withdraw(request, pk):
    org = acting_organization(request, K.SUPPLIER)
    bid = get_object_or_404(bids_of(org), pk=pk)
    try:
        services.bid_withdraw(bid=bid, user=request.user, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The bid is withdrawn. You may submit a new one until the "
                                    "deadline."))
    return redirect("procurement:bid-detail", pk=bid.pk)


@login_required
def opening(request, lot_pk):
    lot = get_object_or_404(Lot.objects.select_related("project"), pk=lot_pk)
    if not opening_visible_to(lot=lot, organization=request.organization):
        raise Http404
    view = lot_opening(lot)
    return render(request, "procurement/opening.html", {
        "lot": lot, "project": lot.project, "opening": view, "table": view["rows"]})


@login_required
def award_notice(request, pk):
    """The award notice PDF: the winner, the purchaser, its agency and supervision only."""
    award = get_object_or_404(Award.objects.select_related("lot__project", "bid"), pk=pk)
    if not award_notice_visible_to(award=award, organization=request.organization):
        raise Http404
    project = award.lot.project
    return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                        as_attachment=True,
                        filename=f"中标通知书-{project.code}-{award.lot.number}.pdf")
