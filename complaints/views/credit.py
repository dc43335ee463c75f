"""Pages of the credit part: an organisation's credit (its own, or any for the finance
bureau) with the repair form; the finance bureau's overview, repairs queue, penalties,
collusion records and spot checks; the public penalties and bad-behaviour list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership
from accounts.permissions import acting_organization, has_role, supervisor
from accounts.selectors import is_supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import selectors_credit as selectors
from ..forms_credit import (
    CollusionForm,
    PenaltyForm,
    RepairApplyForm,
    RepairReviewForm,
    SpotCheckDrawForm,
    SpotCheckRecordForm,
)
from ..models import SpotCheck
from ..services import credit as services


def _page(request, queryset, size=30):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- an organisation's credit


@login_required
def credit_mine(request):
    org = acting_organization(request)
    if is_supervisor(org):
        return redirect("complaints:credit-overview")
    return redirect("complaints:credit-organization", pk=org.pk)


def _render_profile(request, organization, *, status=200, repair_forms=None):
    profile = selectors.credit_profile(organization=organization)
    own = request.organization.pk == organization.pk
    # The organisation's administrator applies for repair (services.credit_repair_apply).
    can_repair = own and has_role(request.user, organization, Membership.Role.ADMIN)
    repair_forms = repair_forms or {}
    for record in profile.records:
        record.repair_form = repair_forms.get(record.pk) or (
            RepairApplyForm(prefix=f"r{record.pk}") if can_repair and record.repairable
            else None)
    return render(request, "complaints/credit/organization.html",
                  {"profile": profile, "own": own,
                   "supervising": is_supervisor(request.organization)}, status=status)


@login_required
def credit_organization(request, pk):
    org = selectors.credit_organization(organization=request.organization, pk=pk)
    return _render_profile(request, org)


@login_required
@require_POST
def credit_repair_apply(request, pk):
    record = selectors.credit_record_visible(user=request.user,
                                             organization=request.organization, pk=pk)
    if record.organization_id != request.organization.pk:
        raise Http404
    form = RepairApplyForm(request.POST, prefix=f"r{record.pk}")
    if form.is_valid():
        try:
            services.credit_repair_apply(record=record, user=request.user,
                                         organization=request.organization,
                                         statement=form.cleaned_data["statement"],
                                         ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your application is sent to the finance bureau."))
            return redirect("complaints:credit-organization", pk=record.organization_id)
    return _render_profile(request, record.organization, status=400,
                           repair_forms={record.pk: form})


# ---------------------------------------------------------------- finance bureau


@login_required
def credit_overview(request):
    supervisor(request)
    filterset = selectors.overview_filterset(filters=request.GET)
    return render(request, "complaints/credit/overview.html", {
        "page": _page(request, filterset.qs, 50), "filter": filterset,
        "distribution": selectors.grade_distribution(selectors.credit_overview()),
        "grades": services.GRADES, "pending": selectors.repairs_queue().count()})


def _render_repairs(request, *, status=200, bound=None):
    repairs = list(selectors.repairs_queue())
    for repair in repairs:
        repair.form = (bound[1] if bound and bound[0] == repair.pk
                       else RepairReviewForm(prefix=f"v{repair.pk}"))
    decided = (selectors.repairs_visible_to(user=request.user,
                                            organization=request.organization)
               .exclude(status="submitted").order_by("-reviewed_at")[:30])
    return render(request, "complaints/credit/repairs.html",
                  {"repairs": repairs, "decided": decided}, status=status)


@login_required
def credit_repairs(request):
    supervisor(request)
    return _render_repairs(request)


@login_required
@require_POST
def credit_repair_review(request, pk):
    finance = supervisor(request)
    repair = get_object_or_404(selectors.repairs_queue(), pk=pk)
    form = RepairReviewForm(request.POST, prefix=f"v{repair.pk}")
    if form.is_valid():
        try:
            services.credit_repair_review(repair=repair, user=request.user,
                                          organization=finance, ip=client_ip(request),
                                          **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The application is decided; the applicant is told."))
            return redirect("complaints:credit-repairs")
    return _render_repairs(request, status=400, bound=(repair.pk, form))


@login_required
def credit_penalties(request):
    finance = supervisor(request)
    form = PenaltyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                penalty = services.penalty_record(user=request.user, organization=finance,
                                                  ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Penalty %(number)s is recorded and published.")
                                 % {"number": penalty.decision_number})
                return redirect("complaints:credit-penalties")
        status = 400
    return render(request, "complaints/credit/penalties.html", {
        "form": form, "page": _page(request, selectors.penalties_published())}, status=status)


@login_required
def credit_collusion(request):
    finance = supervisor(request)
    form = CollusionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.credit_record(subject=data["subject"], event="collusion",
                                       source=data["project"], detail=data["detail"],
                                       actor=request.user, organization=finance,
                                       ip=client_ip(request))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The collusion is recorded; the supplier is "
                                            "listed."))
                return redirect("complaints:credit-organization", pk=data["subject"].pk)
        status = 400
    return render(request, "complaints/credit/collusion.html", {"form": form}, status=status)


def _render_spot_checks(request, *, status=200, draw_form=None, bound=None):
    period = request.GET.get("period", "")
    checks = list(selectors.spot_checks(period=period)[:500])
    for check in checks:
        check.form = (bound[1] if bound and bound[0] == check.pk else
                      SpotCheckRecordForm(prefix=f"s{check.pk}")
                      if check.status == SpotCheck.Status.DRAWN else None)
    return render(request, "complaints/credit/spot_checks.html", {
        "checks": checks, "period": period, "periods": selectors.spot_check_periods(),
        "rates": selectors.rates_by_grade(), "draw_form": draw_form or SpotCheckDrawForm(),
    }, status=status)


@login_required
def credit_spot_checks(request):
    supervisor(request)
    return _render_spot_checks(request)


@login_required
@require_POST
def credit_spot_checks_draw(request):
    finance = supervisor(request)
    form = SpotCheckDrawForm(request.POST)
    if form.is_valid():
        try:
            checks = services.spot_checks_draw(period=form.cleaned_data["period"],
                                               user=request.user, organization=finance,
                                               ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(n)s organisations drawn for %(period)s.")
                             % {"n": len(checks), "period": form.cleaned_data["period"]})
            return redirect(f"{reverse('complaints:credit-spot-checks')}?period="
                            f"{form.cleaned_data['period']}")
    return _render_spot_checks(request, status=400, draw_form=form)


@login_required
@require_POST
def credit_spot_check_record(request, pk):
    finance = supervisor(request)
    check = get_object_or_404(SpotCheck, pk=pk)
    form = SpotCheckRecordForm(request.POST, prefix=f"s{check.pk}")
    if form.is_valid():
        try:
            services.spot_check_record(check=check, user=request.user, organization=finance,
                                       findings=form.cleaned_data["findings"],
                                       ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The findings are recorded."))
            return redirect(f"{reverse('complaints:credit-spot-checks')}?period={check.period}")
    return _render_spot_checks(request, status=400, bound=(check.pk, form))


# ---------------------------------------------------------------- public


def credit_penalties_public(request):
    filterset = selectors.penalty_filterset(filters=request.GET)
    return render(request, "complaints/credit/public_penalties.html",
                  {"page": _page(request, filterset.qs), "filter": filterset})


def credit_bad_behaviour_public(request):
    filterset = selectors.listing_filterset(filters=request.GET)
    return render(request, "complaints/credit/public_listings.html",
                  {"page": _page(request, filterset.qs), "filter": filterset})


urlpatterns = [
    path("complaints/credit/", credit_mine, name="credit-mine"),
    path("complaints/credit/organizations/<int:pk>/", credit_organization,
         name="credit-organization"),
    path("complaints/credit/records/<int:pk>/repair/", credit_repair_apply,
         name="credit-repair-apply"),
    path("complaints/credit/overview/", credit_overview, name="credit-overview"),
    path("complaints/credit/repairs/", credit_repairs, name="credit-repairs"),
    path("complaints/credit/repairs/<int:pk>/review/", credit_repair_review,
         name="credit-repair-review"),
    path("complaints/credit/penalties/", credit_penalties, name="credit-penalties"),
    path("complaints/credit/collusion/", credit_collusion, name="credit-collusion"),
    path("complaints/credit/spot-checks/", credit_spot_checks, name="credit-spot-checks"),
    path("complaints/credit/spot-checks/draw/", credit_spot_checks_draw,
         name="credit-spot-checks-draw"),
    path("complaints/credit/spot-checks/<int:pk>/record/", credit_spot_check_record,
         name="credit-spot-check-record"),
    path("notices/penalties/", credit_penalties_public, name="credit-penalties-public"),
    path("notices/bad-behaviour/", credit_bad_behaviour_public,
         name="credit-bad-behaviour-public"),
]
