"""Purchaser and agency screens for the procurement life, and the public notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization
from audit.services import audit_request
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from . import services
from .forms import (
    DEFAULT_CRITERIA,
    AnnounceForm,
    AssistantForm,
    BudgetLineForm,
    ClarifyForm,
    CriterionFormSet,
    DemandForm,
    DemandItemFormSet,
    IntentionForm,
    LotFormSet,
    OverrideForm,
    ProjectForm,
    ReasonForm,
    RetenderForm,
)
from .models import Announcement, Demand, FairnessFinding, Project
from .rules import budget_available, suggest_sme_reservation
from .selectors import (
    budget_lines_of,
    demands_visible_to,
    intentions_of,
    projects_visible_to,
    public_intentions,
    public_notices,
)


def _purchaser(request) -> Organization:
    org = request.organization
    if org is None or org.kind != Organization.Kind.PURCHASER:
        raise Http404
    return org


def _refused(request, form, exc: DomainError, action: str, obj=None):
    """Show the refusal on the form, keep what was typed, and record the attempt."""
    audit_request(request, action=action, obj=obj,
                  detail={"code": exc.code, "basis": str(exc.basis), "message": str(exc)})
    add_domain_error(form, exc)


# --- budgets and intentions -----------------------------------------------------

@login_required
def budget_list(request):
    org = _purchaser(request)
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_create(purchaser=org, actor=request.user,
                                        ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The budget line has been recorded."))
            return redirect("procurement:budget-list")
    lines = [(line, line.amount - line.committed) for line in budget_lines_of(org)]
    return render(request, "procurement/budget_list.html", {"lines": lines, "form": form})


@login_required
def intention_list(request):
    org = _purchaser(request)
    form = IntentionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intention_publish(purchaser=org, actor=request.user,
                                       ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The procurement intention is published."))
            return redirect("procurement:intention-list")
    return render(request, "procurement/intention_list.html",
                  {"intentions": intentions_of(org), "form": form})


# --- demands ---------------------------------------------------------------

@login_required
def demand_list(request):
    qs = demands_visible_to(organization=request.organization).prefetch_related("findings")
    if request.organization is None or request.organization.kind not in (
            Organization.Kind.PURCHASER, Organization.Kind.FINANCE):
        raise Http404
    return render(request, "procurement/demand_list.html", {"demands": qs[:200]})


def _demand_payload(form, items, criteria):
    data = dict(form.cleaned_data)
    data["items"] = [f.cleaned_data for f in items.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    data["criteria"] = [f.cleaned_data for f in criteria.forms if f.cleaned_data]
    return data


@login_required
def demand_create(request):
    org = _purchaser(request)
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
            _refused(request, form, exc, "demand.check_refused")
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


# --- projects ---------------------------------------------------------------

@login_required
def project_list(request):
    qs = projects_visible_to(organization=request.organization).prefetch_related("lots")
    status = request.GET.get("status", "")
    if status in Project.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "procurement/project_list.html", {
        "page": page, "status": status, "statuses": Project.Status.choices})


@login_required
def project_create(request):
    org = _purchaser(request)
    demand = get_object_or_404(Demand.objects.filter(purchaser=org),
                               pk=request.GET.get("demand") or request.POST.get("demand") or 0)
    initial = {"title": demand.title, "contact_name": request.user.display_name,
               "contact_phone": request.user.mobile}
    form = ProjectForm(request.POST or None, initial=initial)
    lots = LotFormSet(request.POST or None, prefix="lots", form_kwargs={"demand": demand},
                      initial=[{"title": demand.title}])
    available = budget_available(demand.budget_line) if demand.budget_line else None
    if request.method == "POST" and form.is_valid() and lots.is_valid():
        lot_data = []
        for f in lots.forms:
            data = dict(f.cleaned_data)
            if not data.get("sme_reservation"):
                data["sme_reservation"], data["reserved_share"] = suggest_sme_reservation(
                    category=demand.category, budget=data["budget"])
            lot_data.append(data)
        try:
            project = services.project_create(purchaser=org, actor=request.user, demand=demand,
                                              lots=lot_data, ip=client_ip(request),
                                              **form.cleaned_data)
        except DomainError as exc:
            _refused(request, form, exc, "project.create_refused", obj=demand)
        else:
            messages.success(request, _("Project %(code)s is drafted. Submit it for approval "
                                        "by another officer.") % {"code": project.code})
            return redirect(project)
    return render(request, "procurement/project_form.html", {
        "form": form, "lots": lots, "demand": demand, "available": available})


def _project_or_404(request, pk) -> Project:
    return get_object_or_404(projects_visible_to(organization=request.organization), pk=pk)


def _project_context(request, project, **forms):
    roles = set(Membership.objects.filter(
        user=request.user, organization__in=[project.purchaser, project.agency],
        is_active=True).values_list("role", flat=True))
    context = {
        "project": project, "lots": project.lots.prefetch_related("items"),
        "events": project.events.select_related("actor"),
        "announcements": project.announcements.all(),
        "roles": roles, "is_drafter": project.drafted_by_id == request.user.pk,
        "announce_form": AnnounceForm(), "reason_form": ReasonForm(),
        "clarify_form": ClarifyForm(), "retender_form": RetenderForm(),
        "assistant_form": AssistantForm(),
        "staff": [m.user for m in Membership.objects.filter(
            organization__in=[o for o in (project.purchaser, project.agency) if o],
            is_active=True).select_related("user").order_by("user__username")],
        "assistant": project.assistant or project.drafted_by,
        "failed_lots": [lot for lot in project.lots.all() if lot.status == "failed"],
        "retenders": project.retenders.all(), "retender_of": project.retender_of,
    }
    context.update(forms)
    return context


@login_required
def project_detail(request, pk):
    project = _project_or_404(request, pk)
    services.project_open_due(project=project)  # opening on first access after the deadline
    project.refresh_from_db()
    return render(request, "procurement/project_detail.html",
                  _project_context(request, project))


ACTIONS = {
    "submit": (services.project_submit, None, _("Submitted for approval.")),
    "approve": (services.project_approve, None, _("The project is approved.")),
    "return": (services.project_return, ReasonForm, _("Returned to the drafter.")),
    "cancel": (services.project_cancel, ReasonForm, _("The project is cancelled.")),
    "announce": (services.project_announce, AnnounceForm,
                 _("The tender announcement is published.")),
    "clarify": (services.announcement_clarify, ClarifyForm,
                _("The clarification is published.")),
    "retender": (services.project_retender, RetenderForm,
                 _("A new draft project holds the failed lots: check it and submit it for "
                   "approval.")),
    "assistant": (services.project_assign_assistant, AssistantForm,
                  _("The procurement assistant is named.")),
}


@login_required
@require_POST
def project_action(request, pk, action):
    project = _project_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    service, form_class, done = ACTIONS[action]
    kwargs, form = {}, None
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _detail_with_errors(request, project, action, form)
        kwargs = form.cleaned_data
    try:
        result = service(project=project, actor=request.user, ip=client_ip(request), **kwargs)
    except DomainError as exc:
        audit_request(request, action=f"project.{action}_refused", obj=project,
                      detail={"code": exc.code, "basis": str(exc.basis)})
        if form is None:
            messages.error(request, str(exc))
            return redirect(project)
        add_domain_error(form, exc)
        return _detail_with_errors(request, project, action, form)
    messages.success(request, str(done))
    return redirect(result if isinstance(result, Project) else project)


FORM_NAMES = {"announce": "announce_form", "clarify": "clarify_form",
              "return": "reason_form", "cancel": "reason_form",
              "retender": "retender_form", "assistant": "assistant_form"}


def _detail_with_errors(request, project, action, form):
    """The project page again, the refused form open with its errors and input."""
    context = _project_context(request, project, open_action=action,
                               **{FORM_NAMES[action]: form})
    return render(request, "procurement/project_detail.html", context, status=400)


# --- public notices ------------------------------------------------------------

def notice_list(request):
    kind = request.GET.get("kind", "")
    if kind not in Announcement.Kind.values:
        kind = ""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(public_notices(kind=kind, q=q), 20).get_page(request.GET.get("page"))
    return render(request, "procurement/notice_list.html", {
        "page": page, "kind": kind, "q": q, "kinds": Announcement.Kind.choices,
        "intentions": public_intentions()[:10]})


def notice_detail(request, pk):
    notice = get_object_or_404(Announcement.objects.select_related("project",
                                                                   "project__purchaser"), pk=pk)
    return render(request, "procurement/notice_detail.html", {
        "notice": notice, "others": notice.project.announcements.exclude(pk=notice.pk)})

