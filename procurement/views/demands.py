"""Demands and their fair-competition check (春风行动 第1–4条)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services, steps
from ..forms import DEFAULT_CRITERIA, CriterionFormSet, DemandForm, DemandItemFormSet, OverrideForm
from ..models import FairnessFinding
from ..selectors import demand_filterset, demands_visible_to

K = Organization.Kind


@login_required
def demand_list(request):
    org = acting_organization(request, K.PURCHASER, K.FINANCE)
    filterset = demand_filterset(organization=org, filters=request.GET)
    page = Paginator(filterset.qs.prefetch_related("findings"), 50).get_page(
        request.GET.get("page"))
    return render(request, "procurement/demand_list.html",
                  {"page": page, "filter": filterset})


def _demand_payload(form, items, criteria):
    data = dict(form.cleaned_data)
    data["items"] = [f.cleaned_data for f in items.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    data["criteria"] = [f.cleaned_data for f in criteria.forms if f.cleaned_data]
    return data


@login_required
def demand_create(request):
    org = acting_organization(request, K.PURCHASER)
    form = DemandForm(request.POST or None, purchaser=org)
    items = DemandItemFormSet(request.POST or None, prefix="items")
    criteria = CriterionFormSet(request.POST or None, prefix="criteria",
                                initial=None if request.method == "POST" else DEFAULT_CRITERIA)
    if request.method == "POST" and form.is_valid() and items.is_valid() and \
            criteria.is_valid():
        try:
            demand = services.demand_create(purchaser=org, actor=request.user,
                                            ip=client_ip(request),
                                            **_demand_payload(form, items, criteria))
        except DomainError as exc:
            add_domain_error(form, exc)  # the service recorded the refusal
        else:
            if demand.findings.exists():
                messages.warning(request, _("Saved with fair-competition warnings: justify each "
                                            "one, or change the text."))
            else:
                messages.success(request, _("The demand passed the fair-competition check."))
            return redirect("procurement:demand-detail", pk=demand.pk)
    return render(request, "procurement/demand_form.html",
                  {"form": form, "items": items, "criteria": criteria})


@login_required
def demand_detail(request, pk):
    demand = get_object_or_404(demands_visible_to(organization=request.organization), pk=pk)
    return render(request, "procurement/demand_detail.html", {
        "demand": demand, "findings": demand.findings.select_related("overridden_by"),
        "override_form": OverrideForm(),
        "can_edit": request.organization == demand.purchaser,
        # A checked demand is used by drafting a project from it (steps.DEMAND "use").
        "may_draft_project": request.organization == demand.purchaser
        and steps.DEMAND.can(demand, "use"),
        "projects": demand.projects.all()})


@login_required
@require_POST
def finding_override(request, pk, finding_pk):
    demand = get_object_or_404(demands_visible_to(organization=request.organization), pk=pk)
    finding = get_object_or_404(FairnessFinding, pk=finding_pk, demand=demand)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.demand_override_finding(finding=finding, actor=request.user,
                                             ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The justification is recorded; supervision sees it."))
    else:
        messages.error(request, _("Explain in a sentence or more why this requirement is "
                                  "necessary and does not restrict competition."))
    return redirect("procurement:demand-detail", pk=demand.pk)
