"""Pages of the challenges part.

- supplier: its challenge windows on the project's pages (``windows_panel``, through
  ``procurement.panels``), the challenge form with objection rows and evidence files, its
  challenges and the detail with its thread;
- purchaser and agency: the queue of challenges about their projects with their clocks,
  the answer form item by item, rejection, "may change the result";
- finance bureau: every challenge, and "may change the result";
- public: the published answers (``notices/challenge-answers/``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip
from procurement.models import Project
from procurement.services.bidding import Upload

from ..forms_challenges import (
    AnswerForm,
    ChallengeForm,
    MessageForm,
    RejectForm,
    objection_formset,
    objections_of,
)
from ..selectors_challenges import (
    challenge_detail,
    challenge_filterset,
    challenge_or_404,
    public_answer,
    public_answers,
    windows_for,
)
from ..services.challenges import (
    challenge_answer,
    challenge_file,
    challenge_mark_may_change_result,
    challenge_message_post,
    challenge_reject,
    challenge_withdraw,
)
from ..services.inquiries import ASKABLE

K = Organization.Kind


def windows_panel(request, project) -> str:
    """The supplier's challenge windows on the project's pages (procurement.panels)."""
    organization = getattr(request, "organization", None)
    if organization is None or organization.kind != K.SUPPLIER or \
            project.status not in ASKABLE:
        return ""
    return render_to_string("complaints/challenges/_windows_panel.html", {
        "project": project, "windows": windows_for(project=project,
                                                   organization=organization)},
        request=request)


@login_required
def challenge_list(request):
    organization = acting_organization(request)
    filterset = challenge_filterset(user=request.user, organization=organization,
                                    filters=request.GET)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    from deadlines.services import running_deadline

    rows = [{"challenge": c, "clock": running_deadline(subject=c, clock="challenge.answer")}
            for c in page]
    return render(request, "complaints/challenges/challenge_list.html", {
        "page": page, "rows": rows, "filter": filterset,
        "is_supplier": organization.kind == K.SUPPLIER})


def _form_page(request, project, supplier, form, formset, status=200):
    return render(request, "complaints/challenges/challenge_form.html", {
        "project": project, "form": form, "formset": formset,
        "windows": windows_for(project=project, organization=supplier)}, status=status)


@login_required
def challenge_create(request, project_pk):
    supplier = acting_organization(request, K.SUPPLIER)
    project = get_object_or_404(Project.objects.filter(status__in=ASKABLE), pk=project_pk)
    if request.method != "POST":
        return _form_page(request, project, supplier,
                          ChallengeForm(initial={"trigger": request.GET.get("trigger", "")}),
                          objection_formset(project))
    form = ChallengeForm(request.POST, request.FILES)
    formset = objection_formset(project, request.POST)
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            challenge = challenge_file(
                project=project, supplier=supplier, user=request.user,
                trigger=data["trigger"], objections=objections_of(formset),
                files=[Upload(f.name, f.read()) for f in data["files"]],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                idempotency_key=data["idempotency_key"], ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your challenge %(number)s is filed; the answer is "
                                        "due within 7 working days.")
                             % {"number": challenge.number})
            return redirect(challenge)
    return _form_page(request, project, supplier, form, formset, status=400)


def _page(request, challenge, *, status=200, **forms):
    organization = request.organization
    detail = challenge_detail(challenge, user=request.user, organization=organization)
    context = {**detail, "message_form": MessageForm(), "reject_form": RejectForm(),
               **forms}
    return render(request, "complaints/challenges/challenge_detail.html", context,
                  status=status)


def _get(request, pk):
    organization = acting_organization(request)
    return challenge_or_404(pk=pk, user=request.user, organization=organization)


@login_required
def challenge_detail_page(request, pk):
    return _page(request, _get(request, pk))


def _step(request, challenge, form, call, done, form_name):
    if form is None or form.is_valid():
        try:
            call(**(form.cleaned_data if form is not None else {}))
        except DomainError as exc:
            if form is None:
                messages.error(request, str(exc))
                return redirect(challenge)
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(challenge)
    challenge.refresh_from_db()
    return _page(request, challenge, status=400, **{form_name: form})


@login_required
def challenge_evidence(request, pk, evidence_pk):
    """An evidence file, for the challenger, the reviewer and the finance bureau (never
    for another supplier concerned, nor the public)."""
    challenge = _get(request, pk)
    role = challenge_detail(challenge, user=request.user,
                            organization=request.organization)["role"]
    if role not in ("challenger", "reviewer", "finance"):
        raise Http404
    evidence = get_object_or_404(challenge.evidence, pk=evidence_pk)
    return FileResponse(evidence.blob.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
@require_POST
def challenge_message(request, pk):
    challenge = _get(request, pk)
    organization = request.organization

    def call(body, party):
        party_org = Organization.objects.filter(pk=party).first() if party else None
        challenge_message_post(challenge=challenge, user=request.user,
                               organization=organization, body=body, party=party_org,
                               ip=client_ip(request))
    return _step(request, challenge, MessageForm(request.POST), call,
                 _("Your message is sent."), "message_form")


@login_required
@require_POST
def challenge_reject_page(request, pk):
    challenge = _get(request, pk)

    def call(reason, detail):
        challenge_reject(challenge=challenge, reason=reason, detail=detail,
                         user=request.user, organization=request.organization,
                         ip=client_ip(request))
    return _step(request, challenge, RejectForm(request.POST), call,
                 _("The challenge is rejected; the challenger is told."), "reject_form")


@login_required
@require_POST
def challenge_withdraw_page(request, pk):
    challenge = _get(request, pk)
    return _step(request, challenge, None, lambda: challenge_withdraw(
        challenge=challenge, user=request.user, organization=request.organization,
        ip=client_ip(request)), _("Your challenge is withdrawn."), "")


@login_required
@require_POST
def challenge_may_change_result_page(request, pk):
    challenge = _get(request, pk)
    return _step(request, challenge, None, lambda: challenge_mark_may_change_result(
        challenge=challenge, user=request.user, organization=request.organization,
        ip=client_ip(request)),
        _("Marked as possibly changing the result: signing of the project's contracts is "
          "suspended."), "")


@login_required
def challenge_answer_page(request, pk):
    challenge = _get(request, pk)
    detail = challenge_detail(challenge, user=request.user,
                              organization=request.organization)
    if "answer" not in detail["actions"]:
        raise Http404
    form = AnswerForm(request.POST or None, objections=detail["objections"])
    if request.method == "POST" and form.is_valid():
        try:
            challenge_answer(challenge=challenge, answers=form.answers(),
                             summary=form.cleaned_data["summary"],
                             remedy=form.cleaned_data["remedy"], user=request.user,
                             organization=request.organization, ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The answer is sent to the challenger and the other "
                                        "suppliers concerned, and published."))
            return redirect(challenge)
    return render(request, "complaints/challenges/challenge_answer.html",
                  {**detail, "form": form},
                  status=400 if request.method == "POST" else 200)


def public_list(request):
    q = request.GET.get("q", "")[:100]
    page = Paginator(public_answers(q=q), 20).get_page(request.GET.get("page"))
    return render(request, "complaints/challenges/public_list.html", {"page": page, "q": q})


def public_detail(request, pk):
    challenge = get_object_or_404(public_answers(), pk=pk)
    return render(request, "complaints/challenges/public_detail.html",
                  public_answer(challenge))


urlpatterns = [
    path("complaints/challenges/", challenge_list, name="challenge-list"),
    path("complaints/projects/<int:project_pk>/challenges/new/", challenge_create,
         name="challenge-create"),
    path("complaints/challenges/<int:pk>/", challenge_detail_page, name="challenge-detail"),
    path("complaints/challenges/<int:pk>/evidence/<int:evidence_pk>/", challenge_evidence,
         name="challenge-evidence"),
    path("complaints/challenges/<int:pk>/messages/", challenge_message,
         name="challenge-message"),
    path("complaints/challenges/<int:pk>/reject/", challenge_reject_page,
         name="challenge-reject"),
    path("complaints/challenges/<int:pk>/withdraw/", challenge_withdraw_page,
         name="challenge-withdraw"),
    path("complaints/challenges/<int:pk>/may-change-result/",
         challenge_may_change_result_page, name="challenge-may-change-result"),
    path("complaints/challenges/<int:pk>/answer/", challenge_answer_page,
         name="challenge-answer"),
    path("notices/challenge-answers/", public_list, name="challenge-answer-public-list"),
    path("notices/challenge-answers/<int:pk>/", public_detail,
         name="challenge-answer-public"),
]
