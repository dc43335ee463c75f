"""邀请招标 pages: the organiser publishes the qualification notice, reviews the
applications and draws the suppliers to invite; a supplier applies. Each page calls its
one service (``services.invitations``); refusals are shown with their basis."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, acting_organization
from accounts.selectors import is_supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import (
    InvitationDrawForm,
    QualificationApplyForm,
    QualificationNoticeForm,
    QualificationReviewForm,
)
from ..models import Prequalification, Project, QualificationApplication, QualificationFile
from ..models.invitation import DECLARATION
from ..selectors import invitation_stage, projects_visible_to

K = Organization.Kind


def _project_or_404(request, pk) -> Project:
    return get_object_or_404(projects_visible_to(organization=request.organization), pk=pk,
                             method=Project.Method.INVITED)


def _is_organiser(request, project) -> bool:
    parties = [o for o in (project.purchaser_id, project.agency_id) if o]
    return Membership.objects.filter(user=request.user, organization_id__in=parties,
                                     role__in=OFFICERS, is_active=True).exists()


def _stage_page(request, project, template, status=200, **forms):
    context = {"project": project, "stage": invitation_stage(project),
               "may_act": _is_organiser(request, project),
               "notice_form": QualificationNoticeForm(),
               "draw_form": None, **forms}
    if context["draw_form"] is None:
        pq = context["stage"]["prequalification"]
        context["draw_form"] = InvitationDrawForm(
            initial={"count": pq.draw_count if pq else context["stage"]["min_drawn"]})
    return render(request, template, context, status=status)


@login_required
def qualification_list(request, pk):
    """The review list: every application with its documents; the notice form before
    the notice is published. Organisers act; supervision reads."""
    project = _project_or_404(request, pk)
    return _stage_page(request, project, "procurement/qualification_list.html")


@login_required
@require_POST
def qualification_notice_publish(request, pk):
    project = _project_or_404(request, pk)
    form = QualificationNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.qualification_notice_publish(project=project, actor=request.user,
                                                  ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)  # the service recorded the refusal
        else:
            messages.success(request, _("The qualification notice is published."))
            return redirect("procurement:qualification-list", pk=project.pk)
    return _stage_page(request, project, "procurement/qualification_list.html", status=400,
                       notice_form=form)


@login_required
@require_POST
def qualification_review(request, pk, application_pk):
    project = _project_or_404(request, pk)
    application = get_object_or_404(QualificationApplication, pk=application_pk,
                                    project=project)
    form = QualificationReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose qualified or not qualified."))
    else:
        try:
            services.qualification_review(application=application, actor=request.user,
                                          ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(supplier)s: review recorded; the supplier is told.")
                             % {"supplier": application.supplier.name})
    return redirect("procurement:qualification-list", pk=project.pk)


@login_required
def invitation_draw(request, pk):
    """The draw page: the qualified pool and the number to draw; after the draw, the
    seed, the pool and those drawn — for anyone to draw again and check."""
    project = _project_or_404(request, pk)
    form = InvitationDrawForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.invitation_draw(project=project, actor=request.user,
                                         ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The suppliers are drawn and invited."))
                return redirect("procurement:invitation-draw", pk=project.pk)
        return _stage_page(request, project, "procurement/invitation_draw.html", status=400,
                           draw_form=form)
    return _stage_page(request, project, "procurement/invitation_draw.html")


@login_required
def qualification_apply(request, pk):
    """A supplier applies with its qualification documents and the declaration."""
    org = acting_organization(request, K.SUPPLIER)
    pq = get_object_or_404(Prequalification.objects.select_related(
        "project", "project__purchaser", "announcement"), project_id=pk)
    project = pq.project
    application = QualificationApplication.objects.filter(project=project,
                                                          supplier=org).first()
    form = QualificationApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_apply(
                project=project, supplier=org, user=request.user,
                files=[services.Upload(f.name, f.read()) for f in form.cleaned_data["files"]],
                declaration=form.cleaned_data["declaration"], ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your application is submitted. You will be told the "
                                        "result of the review."))
            return redirect(pq.announcement)
    return render(request, "procurement/qualification_apply.html", {
        "form": form, "pq": pq, "project": project, "application": application,
        "declaration": DECLARATION, "now": timezone.now()}, status=400 if form.errors else 200)


@login_required
def qualification_file(request, pk):
    """A qualification document, to the applicant, the organisers and supervision."""
    org = request.organization
    if org is None:
        raise Http404
    files = QualificationFile.objects.select_related("application__project")
    if not is_supervisor(org):
        files = files.filter(Q(application__supplier=org) | Q(application__project__purchaser=org)
                             | Q(application__project__agency=org))
    stored = get_object_or_404(files, pk=pk)
    return FileResponse(stored.blob.open("rb"), as_attachment=True, filename=stored.name)
