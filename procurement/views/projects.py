"""Projects: the list, drafting from a checked demand, the project page and its steps.

The page offers what ``selectors.project_actions`` allows now — the steps of
``steps.PROJECT`` from the project's status, and the acts that change no status —
to the people whose role may take them; the service decides in the end.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, acting_organization
from accounts.selectors import staff_of
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import (
    AnnounceForm,
    AssistantForm,
    ClarifyForm,
    LotFormSet,
    ProjectForm,
    ReasonForm,
    RetenderForm,
)
from ..models import Announcement, Demand, Lot, Project
from ..panels import render_panels
from ..rules import budget_available, suggest_sme_reservation
from ..selectors import project_actions, project_filterset, project_history, projects_visible_to
from .approvals import method_context

K = Organization.Kind
R = Membership.Role
APPROVERS = (R.APPROVER, R.LEADER)
# Who may press each button (the service checks again): 不相容岗位分离 — officers draft,
# submit and announce; approvers and leaders approve, return and cancel.
ROLES = {
    "submit": OFFICERS, "announce": OFFICERS, "clarify": OFFICERS, "retender": OFFICERS,
    "approve": APPROVERS, "return": APPROVERS, "cancel": (*APPROVERS, R.ADMIN),
    "assistant": (*OFFICERS, R.LEADER),
}


@login_required
def project_list(request):
    filterset = project_filterset(organization=request.organization, filters=request.GET)
    page = Paginator(filterset.qs.prefetch_related("lots"), 30).get_page(
        request.GET.get("page"))
    org = request.organization
    return render(request, "procurement/project_list.html", {
        "page": page, "filter": filterset,
        # A purchaser sees its own projects only: no purchaser to choose.
        "hidden_filters": ["purchaser"] if org is None or org.kind == K.PURCHASER else []})


def _lot_data(demand, lots):
    data = []
    for f in lots.forms:
        lot = dict(f.cleaned_data)
        if not lot.get("sme_reservation"):
            lot["sme_reservation"], lot["reserved_share"] = suggest_sme_reservation(
                category=demand.category, budget=lot["budget"])
        data.append(lot)
    return data


@login_required
def project_create(request):
    org = acting_organization(request, K.PURCHASER)
    demand = get_object_or_404(Demand.objects.filter(purchaser=org),
                               pk=request.GET.get("demand") or request.POST.get("demand") or 0)
    initial = {"title": demand.title, "contact_name": request.user.display_name,
               "contact_phone": request.user.mobile}
    form = ProjectForm(request.POST or None, initial=initial)
    lots = LotFormSet(request.POST or None, prefix="lots", form_kwargs={"demand": demand},
                      initial=[{"title": demand.title}])
    available = budget_available(demand.budget_line) if demand.budget_line else None
    if request.method == "POST" and form.is_valid() and lots.is_valid():
        try:
            project = services.project_create(purchaser=org, actor=request.user, demand=demand,
                                              lots=_lot_data(demand, lots),
                                              ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)  # the service recorded the refusal
        else:
            messages.success(request, _("Project %(code)s is drafted. Submit it for approval "
                                        "by another officer.") % {"code": project.code})
            return redirect(project)
    return render(request, "procurement/project_form.html", {
        "form": form, "lots": lots, "demand": demand, "available": available})


def _project_or_404(request, pk) -> Project:
    return get_object_or_404(projects_visible_to(organization=request.organization), pk=pk)


def _project_context(request, project, **forms):
    parties = [o for o in (project.purchaser, project.agency) if o]
    roles = set(Membership.objects.filter(user=request.user, organization__in=parties,
                                          is_active=True).values_list("role", flat=True))
    actions = project_actions(project)
    context = {
        "project": project, "lots": project.lots.prefetch_related("items"),
        "history": project_history(project),
        "announcements": project.announcements.all(),
        "panels": render_panels(request, project),
        "actions": actions,
        "buttons": {name for name in actions if roles & set(ROLES.get(name, ()))},
        "is_drafter": project.drafted_by_id == request.user.pk,
        "announce_form": AnnounceForm(), "reason_form": ReasonForm(),
        "clarify_form": ClarifyForm(), "retender_form": RetenderForm(),
        "assistant_form": AssistantForm(),
        "staff": staff_of(parties),
        "assistant": project.assistant or project.drafted_by,
        "failed_lots": [lot for lot in project.lots.all() if lot.status == Lot.Status.FAILED],
        "retenders": project.retenders.all(), "retender_of": project.retender_of,
    }
    context.update(method_context(request, project))  # the bureau's approval; single source
    context.update(forms)
    return context


@login_required
def project_detail(request, pk):
    """Reads only: a lot past its deadline is opened by the task scheduled for it
    (``tasks.open_project_at_deadline``), never by a page view."""
    project = _project_or_404(request, pk)
    return render(request, "procurement/project_detail.html",
                  _project_context(request, project))


# --- the steps: one POST each, under /procurement/projects/<pk>/<step>/ -----------------

FORM_NAMES = {"announce": "announce_form", "clarify": "clarify_form",
              "return": "reason_form", "cancel": "reason_form",
              "retender": "retender_form", "assistant": "assistant_form"}


def _detail_with_errors(request, project, action, form):
    """The project page again, the refused form open with its errors and input."""
    context = _project_context(request, project, open_action=action,
                               **{FORM_NAMES[action]: form})
    return render(request, "procurement/project_detail.html", context, status=400)


def _take(request, project, action, form_class, call, done):
    """Check the step's form (if any), call its service, and answer: the next page with
    the success message, or the project page with the refusal. The service records a
    refusal itself."""
    form = None
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _detail_with_errors(request, project, action, form)
        kwargs = form.cleaned_data
    try:
        result = call(project=project, actor=request.user, ip=client_ip(request), **kwargs)
    except DomainError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect(project)
        add_domain_error(form, exc)
        return _detail_with_errors(request, project, action, form)
    messages.success(request, str(done(result) if callable(done) else done))
    return redirect(result if isinstance(result, Project) else project)


def _submit(request, project):
    return _take(request, project, "submit", None, services.project_submit,
                 _("Submitted for approval."))


def _approve(request, project):
    def done(result):
        if result.status == Project.Status.BUREAU_REVIEW:
            return _("Approved by the unit; the method now waits for the finance bureau's "
                     "approval (法 第27条; 条例 第23条).")
        return _("The project is approved.")

    return _take(request, project, "approve", None, services.project_approve, done)


def _return(request, project):
    return _take(request, project, "return", ReasonForm, services.project_return,
                 _("Returned to the drafter."))


def _cancel(request, project):
    return _take(request, project, "cancel", ReasonForm, services.project_cancel,
                 _("The project is cancelled."))


def _announce(request, project):
    def done(notice):
        return {
            Announcement.Kind.SINGLE_SOURCE: _("The single-source publicity is published: "
                                               "objections may be raised while it runs."),
        }.get(notice.kind, _("The tender announcement is published."))

    return _take(request, project, "announce", AnnounceForm, services.project_announce, done)


def _clarify(request, project):
    return _take(request, project, "clarify", ClarifyForm, services.announcement_clarify,
                 _("The clarification is published."))


def _retender(request, project):
    return _take(request, project, "retender", RetenderForm, services.project_retender,
                 _("A new draft project holds the failed lots: check it and submit it for "
                   "approval."))


def _assistant(request, project):
    return _take(request, project, "assistant", AssistantForm,
                 services.project_assign_assistant, _("The procurement assistant is named."))


STEPS = {"submit": _submit, "approve": _approve, "return": _return, "cancel": _cancel,
         "announce": _announce, "clarify": _clarify, "retender": _retender,
         "assistant": _assistant}


@login_required
@require_POST
def project_action(request, pk, action):
    project = _project_or_404(request, pk)
    if action not in STEPS:
        raise Http404
    return STEPS[action](request, project)
