"""单一来源 pages: the publicity with its objection form (suppliers), the purchaser's
written decisions on objections, and the panel's negotiation record and signatures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import NegotiationForm, ObjectionDecideForm, ObjectionForm, SignForm
from ..models import Announcement, CommitteeMember, Lot, Objection, Project
from ..rules import bureau_approval_needed
from ..selectors import projects_visible_to, single_source_publicities
from ..services.bidding import Upload
from ..services.projects import may_act
from ..services.single_source import ORGANISERS


def _organiser(user, project) -> bool:
    return may_act(user, project, ORGANISERS)


def single_source_context(request, project: Project) -> dict:
    record = getattr(project, "single_source", None)
    if record is None:
        return {"single_source": None}
    return {
        "single_source": record,
        "objections": project.objections.select_related("supplier", "decided_by"),
        "objection_decide_form": ObjectionDecideForm(),
        "decides_objections": _organiser(request.user, project),
        "publicity_running": bool(record.publicity_until
                                  and timezone.now() < record.publicity_until),
        # 条例 第38条: reported to the finance bureau once the publicity is settled.
        "may_report": (_organiser(request.user, project)
                       and project.status in (Project.Status.ANNOUNCED,
                                              Project.Status.OPENED,
                                              Project.Status.EVALUATING)
                       and record.publicity_until is not None
                       and timezone.now() >= record.publicity_until
                       and bureau_approval_needed(project) is not None
                       and not project.method_approvals.exclude(status="refused").exists()),
    }


def _publicity_page(request, project, form, status=200):
    record = project.single_source
    org = getattr(request, "organization", None)
    mine = (project.objections.filter(supplier=org).select_related("decided_by")
            if org is not None else Objection.objects.none())
    return render(request, "procurement/publicity.html", {
        "project": project, "record": record,
        "notice": project.announcements.filter(kind=Announcement.Kind.SINGLE_SOURCE).first(),
        "running": timezone.now() < record.publicity_until,
        "may_object": org is not None and org.kind == Organization.Kind.SUPPLIER,
        "form": form, "mine": mine}, status=status)


def publicity(request, pk):
    """The 单一来源采购公示 and, for a supplier's staff while it runs, the objection form."""
    project = get_object_or_404(single_source_publicities(), pk=pk)
    if request.method != "POST":
        return _publicity_page(request, project, ObjectionForm())
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    org = getattr(request, "organization", None)
    if org is None or org.kind != Organization.Kind.SUPPLIER:
        raise Http404
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data.get("attachment")
        try:
            services.objection_file(project=project, supplier=org, actor=request.user,
                                    reasons=form.cleaned_data["reasons"],
                                    attachment=Upload(f.name, f.read()) if f else None,
                                    ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your objection is filed: the purchaser decides it "
                                        "in writing and you will be told."))
            return redirect("procurement:publicity", pk=project.pk)
    return _publicity_page(request, project, form, status=400)


@login_required
@require_POST
def objection_decide(request, pk):
    objection = get_object_or_404(Objection.objects.filter(
        project__in=projects_visible_to(organization=request.organization)), pk=pk)
    project = objection.project
    form = ObjectionDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(project)
    try:
        services.objection_decide(objection=objection, actor=request.user,
                                  ip=client_ip(request), **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The decision is recorded and the objector told."))
    return redirect(project)


@login_required
@require_POST
def report(request, pk):
    """Report the single source to the finance bureau after its publicity (条例 第38条)."""
    project = get_object_or_404(projects_visible_to(organization=request.organization),
                                pk=pk, method=Project.Method.SINGLE_SOURCE)
    try:
        services.single_source_report(project=project, actor=request.user,
                                      ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reported to the finance bureau with the publicity's "
                                    "outcome: the negotiation starts once it approves."))
    return redirect(project)


def _negotiation_lot(request, pk) -> Lot:
    lot = get_object_or_404(Lot.objects.select_related("project", "project__single_source",
                                                       "project__purchaser"),
                            pk=pk, project__method=Project.Method.SINGLE_SOURCE)
    member = CommitteeMember.objects.filter(committee__lot=lot, expert=request.user).exists()
    visible = projects_visible_to(organization=request.organization).filter(
        pk=lot.project_id).exists()
    if not (member or visible):
        raise Http404
    return lot


def _negotiation_page(request, lot, form=None, sign_form=None, status=200):
    negotiation = getattr(lot, "single_source_negotiation", None)
    members = list(CommitteeMember.objects.filter(committee__lot=lot).select_related("expert"))
    signed = {s.expert_id: s for s in negotiation.signatures.all()} if negotiation else {}
    me = next((m for m in members if m.expert_id == request.user.pk), None)
    return render(request, "procurement/single_source_negotiation.html", {
        "lot": lot, "project": lot.project, "record": lot.project.single_source,
        "negotiation": negotiation, "bid": lot.bids.filter(
            supplier=lot.project.single_source.supplier).exclude(status="withdrawn").first(),
        "members": [(m, signed.get(m.expert_id)) for m in members],
        "is_chair": me is not None and me.role == CommitteeMember.Role.CHAIR,
        "may_sign": me is not None and negotiation is not None
        and me.expert_id not in signed and not negotiation.concluded_at,
        "form": form or NegotiationForm(initial={
            "points": negotiation.points, "agreed_price": negotiation.agreed_price}
            if negotiation else None),
        "sign_form": sign_form or SignForm()}, status=status)


@login_required
def negotiation(request, pk):
    return _negotiation_page(request, _negotiation_lot(request, pk))


@login_required
@require_POST
def single_source_negotiate(request, pk):
    lot = _negotiation_lot(request, pk)
    form = NegotiationForm(request.POST)
    if form.is_valid():
        try:
            services.single_source_negotiate(lot=lot, actor=request.user, ip=client_ip(request),
                                        **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The record is written: each member signs it."))
            return redirect("procurement:single-source-negotiation", pk=lot.pk)
    return _negotiation_page(request, lot, form=form, status=400)


@login_required
@require_POST
def single_source_sign(request, pk):
    lot = _negotiation_lot(request, pk)
    negotiation = getattr(lot, "single_source_negotiation", None)
    if negotiation is None:
        raise Http404
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.single_source_sign(negotiation=negotiation, expert=request.user,
                                      ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("You have signed the record."))
            return redirect("procurement:single-source-negotiation", pk=lot.pk)
    return _negotiation_page(request, lot, sign_form=form, status=400)
