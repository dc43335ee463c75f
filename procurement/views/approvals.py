"""The finance bureau's approvals of methods (法 第27条; 条例 第23条): the queue in the
supervision workspace, one request with the purchaser's reasons and files, the decision.
And the purchaser's files for the method, added on the project page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import OFFICERS, has_role, supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import MethodAttachmentForm, MethodDecisionForm
from ..models import MethodApproval, MethodAttachment, Project
from ..selectors import method_approvals, projects_visible_to
from ..services.approvals import ATTACHABLE
from ..services.bidding import Upload


def method_context(request, project: Project) -> dict:
    """What the project page shows of the method: the finance bureau's requests and
    decisions, the files, and the form to add one (purchaser's officers, before approval)."""
    from .single_source import single_source_context

    return {
        "method_requests": project.method_approvals.select_related("decided_by"),
        "method_files": project.method_attachments.all(),
        "attachment_form": MethodAttachmentForm(),
        "may_attach": project.status in ATTACHABLE and has_role(
            request.user, project.purchaser, *OFFICERS),
        **single_source_context(request, project),
    }


@login_required
def approval_list(request):
    supervisor(request)  # finance-bureau staff only; others 404
    show = request.GET.get("status", "pending")
    status = show if show in MethodApproval.Status.values else None
    return render(request, "procurement/approval_list.html", {
        "approvals": method_approvals(status=status), "status": status,
        "statuses": MethodApproval.Status.choices})


def _approval_page(request, approval, form, status=200):
    project = approval.project
    return render(request, "procurement/approval_detail.html", {
        "approval": approval, "project": project, "lots": project.lots.all(),
        "files": project.method_attachments.all(), "form": form,
        "failed": project.retender_of}, status=status)


@login_required
def approval_detail(request, pk):
    supervisor(request)
    approval = get_object_or_404(method_approvals(status=None), pk=pk)
    return _approval_page(request, approval, MethodDecisionForm())


@login_required
@require_POST
def approval_decide(request, pk):
    supervisor(request)
    approval = get_object_or_404(method_approvals(status=None), pk=pk)
    form = MethodDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.method_approval_decide(approval=approval, actor=request.user,
                                            ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The decision is recorded and the purchaser told."))
            return redirect("procurement:approval-list")
    return _approval_page(request, approval, form, status=400)


@login_required
@require_POST
def attachment_add(request, pk):
    project = get_object_or_404(projects_visible_to(organization=request.organization), pk=pk)
    form = MethodAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["upload"]
        try:
            services.method_attachment_add(project=project, actor=request.user,
                                           purpose=form.cleaned_data["purpose"],
                                           upload=Upload(f.name, f.read()),
                                           ip=client_ip(request))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The file is added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(project)


@login_required
def attachment_download(request, pk, file_pk):
    """A method file: the project's parties and the finance bureau only (404 otherwise)."""
    project = get_object_or_404(projects_visible_to(organization=request.organization), pk=pk)
    record = get_object_or_404(MethodAttachment, project=project, pk=file_pk)
    if not record.blob:
        raise Http404
    return FileResponse(record.blob.open("rb"), as_attachment=True, filename=record.name)
