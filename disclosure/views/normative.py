"""The finance bureau's own publications: its normative documents (规范性文件) — the
public list and page, and the bureau's pages to draft, publish and repeal them — and the
decided approvals of procurement methods (行政审批结果)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms_docs import NormativeFilterForm, NormativeForm, RepealForm
from ..selectors_docs import (
    approval_public,
    normative_of_bureau,
    normative_public,
    normative_visible,
)
from ..services import NORMATIVE


def normative_list(request):
    form = NormativeFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    query = request.GET.get("q", "")
    page = Paginator(normative_public(status=status, query=query), 20).get_page(
        request.GET.get("page"))
    return render(request, "disclosure/normative_list.html",
                  {"page": page, "status": status, "q": query,
                   "statuses": form.fields["status"].choices})


def _render_detail(request, document, *, repeal_form=None, status=200):
    own = getattr(request, "organization", None) is not None \
        and request.organization.pk == document.bureau_id
    return render(request, "disclosure/normative_detail.html", {
        "document": document, "own": own, "actions": NORMATIVE.actions(document) if own else [],
        "repeal_form": repeal_form or RepealForm()}, status=status)


def normative_detail(request, pk):
    document = normative_visible(organization=getattr(request, "organization", None), pk=pk)
    return _render_detail(request, document)


def normative_attachment(request, pk):
    """The PDF, once the document is public (or to its bureau while a draft)."""
    document = normative_visible(organization=getattr(request, "organization", None), pk=pk)
    if not document.attachment:
        raise Http404
    response = FileResponse(document.attachment.open("rb"), content_type="application/pdf",
                            filename=f"{document.number}.pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline", 1)
    return response


@login_required
def normative_manage(request):
    """The bureau's documents, and the form to draft one."""
    bureau = supervisor(request)
    form = NormativeForm(request.POST or None, request.FILES or None,
                         initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("attachment")
            try:
                document = services.normative_create(
                    **data, attachment=services.Upload(upload.name, upload.read())
                    if upload else None,
                    user=request.user, organization=bureau, ip=client_ip(request))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The draft is saved; publish it when it is "
                                            "ready."))
                return redirect("disclosure:normative-detail", pk=document.pk)
        status = 400
    page = Paginator(normative_of_bureau(bureau), 30).get_page(request.GET.get("page"))
    return render(request, "disclosure/normative_manage.html",
                  {"form": form, "page": page}, status=status)


@login_required
@require_POST
def normative_publish(request, pk):
    bureau = supervisor(request)
    document = normative_visible(organization=bureau, pk=pk)
    try:
        services.normative_publish(document=document, user=request.user, organization=bureau,
                                   ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document is published on the portal."))
    return redirect("disclosure:normative-detail", pk=document.pk)


@login_required
@require_POST
def normative_repeal(request, pk):
    bureau = supervisor(request)
    document = normative_visible(organization=bureau, pk=pk)
    form = RepealForm(request.POST)
    if form.is_valid():
        try:
            services.normative_repeal(document=document, reason=form.cleaned_data["reason"],
                                      user=request.user, organization=bureau,
                                      ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The document is repealed; the portal shows it so."))
            return redirect("disclosure:normative-detail", pk=document.pk)
    return _render_detail(request, document, repeal_form=form, status=400)


def approval_detail(request, pk):
    approval = approval_public(pk)
    project = approval.project
    method = approval.method  # the method asked for, which the project may have left since
    return render(request, "disclosure/approval_detail.html", {
        "approval": approval, "project": project,
        "method": project.Method(method).label if method in project.Method.values else method})


urlpatterns = [
    path("notices/normative/", normative_list, name="normative-list"),
    path("notices/normative/<int:pk>/", normative_detail, name="normative-detail"),
    path("notices/normative/<int:pk>/attachment/", normative_attachment,
         name="normative-attachment"),
    path("notices/approvals/<int:pk>/", approval_detail, name="approval-detail"),
    path("supervision/normative/", normative_manage, name="normative-manage"),
    path("supervision/normative/<int:pk>/publish/", normative_publish,
         name="normative-publish"),
    path("supervision/normative/<int:pk>/repeal/", normative_repeal, name="normative-repeal"),
]
