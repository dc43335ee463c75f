"""Pages of the inquiries part: a supplier asks about a project and reads the answer;
the purchaser and its agency answer from their queue; the finance bureau reads all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip
from deadlines.services import running_deadline
from procurement.models import Project

from ..forms_inquiries import InquiryAnswerForm, InquiryAskForm
from ..selectors_inquiries import inquiry_detail, inquiry_filterset, inquiry_or_404
from ..services.inquiries import ASKABLE, can_answer, inquiry_answer, inquiry_ask

K = Organization.Kind


@login_required
def inquiry_list(request):
    organization = acting_organization(request)
    filterset = inquiry_filterset(user=request.user, organization=organization,
                                  filters=request.GET)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "complaints/inquiries/inquiry_list.html", {
        "page": page, "filter": filterset,
        "rows": [{"inquiry": i, "clock": running_deadline(subject=i, clock="inquiry.answer")}
                 for i in page],
        "is_supplier": organization.kind == K.SUPPLIER})


@login_required
def inquiry_create(request, project_pk):
    supplier = acting_organization(request, K.SUPPLIER)
    project = get_object_or_404(Project.objects.filter(status__in=ASKABLE), pk=project_pk)
    form = InquiryAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = inquiry_ask(project=project, supplier=supplier, user=request.user,
                                  question=form.cleaned_data["question"],
                                  ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your question is sent; the answer is due within "
                                        "3 working days."))
            return redirect(inquiry)
    return render(request, "complaints/inquiries/inquiry_form.html",
                  {"project": project, "form": form},
                  status=400 if request.method == "POST" else 200)


def _detail(request, inquiry, *, form=None, status=200):
    organization = getattr(request, "organization", None)
    answerable = can_answer(request.user, organization, inquiry)
    return render(request, "complaints/inquiries/inquiry_detail.html", {
        **inquiry_detail(inquiry), "can_answer": answerable,
        "form": form or (InquiryAnswerForm() if answerable else None)}, status=status)


@login_required
def inquiry_detail_page(request, pk):
    organization = acting_organization(request)
    inquiry = inquiry_or_404(pk=pk, user=request.user, organization=organization)
    return _detail(request, inquiry)


@login_required
@require_POST
def inquiry_answer_page(request, pk):
    organization = acting_organization(request)
    inquiry = inquiry_or_404(pk=pk, user=request.user, organization=organization)
    form = InquiryAnswerForm(request.POST)
    if form.is_valid():
        try:
            inquiry_answer(inquiry=inquiry, answer=form.cleaned_data["answer"],
                           user=request.user, organization=organization,
                           ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The answer is sent to the supplier."))
            return redirect(inquiry)
    inquiry.refresh_from_db()
    return _detail(request, inquiry, form=form, status=400)


urlpatterns = [
    path("complaints/inquiries/", inquiry_list, name="inquiry-list"),
    path("complaints/projects/<int:project_pk>/inquiries/new/", inquiry_create,
         name="inquiry-create"),
    path("complaints/inquiries/<int:pk>/", inquiry_detail_page, name="inquiry-detail"),
    path("complaints/inquiries/<int:pk>/answer/", inquiry_answer_page, name="inquiry-answer"),
]
