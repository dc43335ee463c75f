"""Pages of the complaints part: the complainant files, corrects and follows its
complaints; the finance bureau works its queue (every step a POST calling its service)
and registers paper complaints; anyone reads the published decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from ..forms_complaints import (
    ComplaintFileForm,
    ComplaintFilterForm,
    ComplaintRegisterForm,
    ConfirmForm,
    CorrectForm,
    CorrectionRequestForm,
    DecideForm,
    PauseForm,
    ReasonForm,
    ReplyForm,
    SuspendForm,
    WithdrawForm,
)
from ..models import Challenge
from ..selectors_complaints import (
    challenges_to_complain_of,
    clocks_of_many,
    complaint_detail,
    complaints_visible_to,
    decisions_public,
    visible_documents,
)
from ..services import complaints as svc

K = Organization.Kind
PARTIES = (K.SUPPLIER, K.PURCHASER, K.AGENCY, K.CENTRAL_AGENCY, K.FINANCE)


def complaint_or_404(request, pk):
    org = acting_organization(request, *PARTIES)
    return get_object_or_404(complaints_visible_to(user=request.user, organization=org),
                             pk=pk)


def _uploads(files):
    return [svc.Upload(f.name, f.read()) for f in files or ()]


# --- lists ---------------------------------------------------------------------------------

@login_required
def complaint_list(request):
    """The complainant's complaints (and the challenges it may complain of now), the
    purchaser's and agency's about their projects, or the finance bureau's queue."""
    org = acting_organization(request, *PARTIES)
    form = ComplaintFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = complaints_visible_to(user=request.user, organization=org, filters=filters)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    clocks = clocks_of_many(page.object_list)
    context = {
        "page": page, "filter_form": form, "bureau": org.kind == K.FINANCE,
        "rows": [(c, clocks[c.pk].get("complaint.review"), clocks[c.pk].get("complaint.decide"))
                 for c in page.object_list],
        "eligible": challenges_to_complain_of(org) if org.kind == K.SUPPLIER else [],
        "now": timezone.now(), "review_rule": svc.rule("complaint.review"),
        "decide_rule": svc.rule("complaint.decide"),
    }
    return render(request, "complaints/complaints/complaint_list.html", context)


# --- filing ----------------------------------------------------------------------------------

@login_required
def complaint_file(request):
    """The challenger files a complaint on matters of one of its challenges."""
    org = acting_organization(request, K.SUPPLIER)
    if not str(request.GET.get("challenge", "")).isdigit():
        return redirect("complaints:complaint-list")  # choose the challenge there
    challenge = get_object_or_404(Challenge.objects.select_related("project"),
                                  pk=request.GET["challenge"], supplier=org)
    form = ComplaintFileForm(request.POST or None, request.FILES or None, challenge=challenge)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = svc.complaint_file(
                    challenge=challenge, complainant=org, user=request.user,
                    matters=data["matters"], request=data["request"], facts=data["facts"],
                    files=_uploads(data["files"]), ip=client_ip(request))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Your complaint %(number)s is filed; the finance "
                                            "bureau reviews it.") % {"number": complaint.number})
                return redirect(complaint)
        status = 400
    return render(request, "complaints/complaints/complaint_form.html",
                  {"form": form, "challenge": challenge, "offline": False,
                   "window": svc.complaint_window(challenge),
                   "file_rule": svc.rule("complaint.file")}, status=status)


@login_required
def complaint_register(request):
    """The finance bureau registers a complaint received on paper or in person."""
    acting_organization(request, K.FINANCE)
    challenge = None
    if request.GET.get("challenge"):
        challenge = get_object_or_404(
            Challenge.objects.select_related("project", "supplier"),
            number=request.GET["challenge"].strip())
    if challenge is None:
        return render(request, "complaints/complaints/complaint_register_pick.html", {})
    form = ComplaintRegisterForm(request.POST or None, request.FILES or None,
                                 challenge=challenge)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            original = data["original"]
            try:
                complaint = svc.complaint_register_offline(
                    challenge=challenge, user=request.user, organization=request.organization,
                    matters=data["matters"], request=data["request"], facts=data["facts"],
                    original=svc.Upload(original.name, original.read()),
                    files=_uploads(data["files"]), filed_at=data["filed_at"],
                    ip=client_ip(request))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The paper complaint is registered as %(number)s.")
                                 % {"number": complaint.number})
                return redirect(complaint)
        status = 400
    return render(request, "complaints/complaints/complaint_form.html",
                  {"form": form, "challenge": challenge, "offline": True,
                   "window": svc.complaint_window(challenge),
                   "file_rule": svc.rule("complaint.file")}, status=status)


# --- detail and steps ------------------------------------------------------------------------

STEP_FORMS = {
    "request_correction": CorrectionRequestForm, "correct": CorrectForm,
    "accept": ConfirmForm, "reject": ReasonForm, "withdraw": WithdrawForm,
    "pause": PauseForm, "resume": ConfirmForm, "suspend_procurement": SuspendForm,
    "resume_procurement": ConfirmForm, "decide": DecideForm, "reply": ReplyForm,
}


def _step_label(step):
    return {
        "request_correction": _("Request corrections (once)"),
        "correct": _("Correct the complaint"),
        "accept": _("Accept the complaint"),
        "reject": _("Do not accept (不予受理)"),
        "withdraw": _("Withdraw the complaint"),
        "pause": _("Pause the decision clock (testing, expert review)"),
        "resume": _("Resume the decision clock"),
        "suspend_procurement": _("Suspend the procurement"),
        "resume_procurement": _("Resume the procurement"),
        "decide": _("Decide the complaint"),
        "reply": _("Reply in writing to the complaint"),
    }[step]


def render_page(request, complaint, *, status=200, bound=None):
    detail = complaint_detail(complaint, organization=request.organization)
    forms = {name: form_class(prefix=name) for name, form_class in STEP_FORMS.items()}
    if bound:
        forms.update(bound)
    steps = [(name, _step_label(name), forms[name],
              reverse(f"complaints:complaint-{name.replace('_', '-')}", args=[complaint.pk]))
             for name in detail.actions]
    return render(request, "complaints/complaints/complaint_detail.html",
                  {"complaint": complaint, "detail": detail, "steps": steps,
                   "suspend_max": svc.rule("complaint.suspend_max"),
                   "reply_rule": svc.rule("complaint.reply"),
                   "correction_rule": svc.rule("complaint.correction")}, status=status)


@login_required
def complaint_detail_page(request, pk):
    return render_page(request, complaint_or_404(request, pk))


def _call(step, request, complaint, data):
    common = {"complaint": complaint, "user": request.user, "ip": client_ip(request)}
    org = request.organization
    if step == "correct":
        return svc.complaint_correct(organization=org, request=data["request"],
                                     facts=data["facts"], files=_uploads(data["files"]),
                                     **common)
    if step == "reply":
        return svc.complaint_reply(organization=org, text=data["text"],
                                   files=_uploads(data["files"]), **common)
    if step == "withdraw":
        return svc.complaint_withdraw(organization=org, reason=data["reason"], **common)
    common["organization"] = org
    if step == "request_correction":
        return svc.complaint_request_correction(request=data["request"], **common)
    if step == "accept":
        return svc.complaint_accept(**common)
    if step == "reject":
        return svc.complaint_reject(reason=data["reason"], **common)
    if step == "pause":
        return svc.complaint_pause(kind=data["kind"], reason=data["reason"], **common)
    if step == "resume":
        return svc.complaint_resume(**common)
    if step == "suspend_procurement":
        return svc.complaint_suspend_procurement(days=data["days"], reason=data["reason"],
                                                 **common)
    if step == "resume_procurement":
        return svc.complaint_resume_procurement(**common)
    if step == "decide":
        return svc.complaint_decide(**data, **common)
    raise Http404


def _done_message(step):
    return {
        "request_correction": _("Corrections are requested; the review clock is paused."),
        "correct": _("Your corrections are sent; the review clock runs again."),
        "accept": _("The complaint is accepted; the decision clock runs."),
        "reject": _("The complaint is not accepted; the complainant is told why."),
        "withdraw": _("The complaint is withdrawn."),
        "pause": _("The decision clock is paused."),
        "resume": _("The decision clock runs again."),
        "suspend_procurement": _("The procurement is suspended; the purchaser is told."),
        "resume_procurement": _("The procurement is resumed."),
        "decide": _("The decision is made, served on the parties and published."),
        "reply": _("Your reply is sent to the finance bureau."),
    }[step]


@login_required
@require_POST
def complaint_step(request, pk, step):
    complaint = complaint_or_404(request, pk)
    form = STEP_FORMS[step](request.POST, request.FILES or None, prefix=step)
    if form.is_valid():
        try:
            _call(step, request, complaint, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _done_message(step))
            return redirect(complaint)
    complaint.refresh_from_db()
    return render_page(request, complaint, status=400, bound={step: form})


@login_required
def complaint_document(request, pk, doc_pk):
    complaint = complaint_or_404(request, pk)
    doc = next((d for d in visible_documents(complaint, organization=request.organization)
                if d.pk == doc_pk), None)
    if doc is None:
        raise Http404
    return FileResponse(doc.blob.open("rb"), as_attachment=True, filename=doc.name)


# --- public decisions ------------------------------------------------------------------------

def decision_list(request):
    page = Paginator(decisions_public(), 25).get_page(request.GET.get("page"))
    return render(request, "complaints/complaints/decision_list.html", {"page": page})


def decision_detail(request, pk):
    complaint = get_object_or_404(decisions_public(), pk=pk)
    return render(request, "complaints/complaints/decision_detail.html",
                  {"complaint": complaint,
                   "matters": list(complaint.matters.order_by("number"))})


def decision_pdf(request, pk):
    complaint = get_object_or_404(decisions_public(), pk=pk)
    if not complaint.decision_pdf:
        raise Http404
    return FileResponse(complaint.decision_pdf.open("rb"), content_type="application/pdf",
                        filename=f"{complaint.number}.pdf")


def _step_path(step):
    return path(f"complaints/complaints/<int:pk>/{step.replace('_', '-')}/", complaint_step,
                {"step": step}, name=f"complaint-{step.replace('_', '-')}")


urlpatterns = [
    path("complaints/complaints/", complaint_list, name="complaint-list"),
    path("complaints/complaints/new/", complaint_file, name="complaint-file"),
    path("complaints/complaints/register/", complaint_register, name="complaint-register"),
    path("complaints/complaints/<int:pk>/", complaint_detail_page, name="complaint-detail"),
    path("complaints/complaints/<int:pk>/documents/<int:doc_pk>/", complaint_document,
         name="complaint-document"),
    *[_step_path(step) for step in STEP_FORMS],
    path("notices/complaint-decisions/", decision_list, name="complaint-decision-list"),
    path("notices/complaint-decisions/<int:pk>/", decision_detail,
         name="complaint-decision-public"),
    path("notices/complaint-decisions/<int:pk>/pdf/", decision_pdf,
         name="complaint-decision-pdf"),
]
