"""Pages of the mediation part: the parties' and the finance bureau's list, the request
form reached from the contract's page, and the mediation's page with one POST view per
step, each calling its service. A refused step shows the page again with its form bound
and the refusal next to its field (400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from contracts.selectors import contracts_visible_to
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip
from rules.registry import rule

from ..forms_mediation import (
    MediationAcceptForm,
    MediationOpinionForm,
    MediationReferForm,
    MediationRequestForm,
    MediationSessionForm,
    MediationSettleForm,
    ReasonForm,
    WithdrawForm,
)
from ..models import Evidence, Mediation
from ..selectors_mediation import (
    contract_may_request,
    mediation_clocks,
    mediation_detail,
    mediation_filterset,
    mediations_of_contract,
    mediations_visible_to,
    running_clock,
)
from ..services import mediation as services

K = Organization.Kind
KINDS = (K.PURCHASER, K.SUPPLIER, K.FINANCE)


def mediation_or_404(request, pk) -> Mediation:
    org = acting_organization(request, *KINDS)
    return get_object_or_404(mediations_visible_to(user=request.user, organization=org), pk=pk)


def _upload(f):
    return services.Upload(f.name, f.read())


@login_required
def mediation_list(request):
    org = acting_organization(request, *KINDS)
    filterset = mediation_filterset(organization=org, filters=request.GET)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    clocks = mediation_clocks(page.object_list)
    rows = [(m, running_clock(clocks[m.pk])) for m in page.object_list]
    return render(request, "complaints/mediation/list.html", {
        "page": page, "rows": rows, "filter": filterset,
        "supervising": org.kind == K.FINANCE})


def render_page(request, mediation: Mediation, *, status=200, **bound):
    detail = mediation_detail(mediation, user=request.user, organization=request.organization)
    context = {
        "mediation": mediation, "detail": detail, "may": detail.allowed, "side": detail.side,
        "basis": services.BASIS, "conclude": rule("mediation.conclude"),
        "accept_form": MediationAcceptForm(mediators=detail.mediators),
        "decline_form": ReasonForm(), "session_form": MediationSessionForm(),
        "opinion_form": MediationOpinionForm(), "settle_form": MediationSettleForm(
            initial={"terms": mediation.outcome_text}
            if mediation.settlement_recorded_at else None),
        "reject_form": ReasonForm(), "withdraw_form": WithdrawForm(),
        "refer_form": MediationReferForm(),
    }
    context.update(bound)
    return render(request, "complaints/mediation/detail.html", context, status=status)


@login_required
def mediation_page(request, pk):
    return render_page(request, mediation_or_404(request, pk))


@login_required
def mediation_file(request, pk, file_pk):
    mediation = mediation_or_404(request, pk)
    evidence = get_object_or_404(Evidence, pk=file_pk, mediation=mediation)
    return FileResponse(evidence.blob.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
def mediation_request(request, contract_pk):
    """A party asks for mediation of a dispute about its contract."""
    org = acting_organization(request, K.PURCHASER, K.SUPPLIER)
    contract = get_object_or_404(contracts_visible_to(user=request.user, organization=org),
                                 pk=contract_pk)
    form = MediationRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mediation = services.mediation_request(
                contract=contract, applicant=org, subject=data["subject"],
                claim=data["claim"], files=[_upload(f) for f in data["files"]],
                user=request.user, ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request for mediation is filed; the finance "
                                        "bureau decides whether to accept it."))
            return redirect(mediation)
    return render(request, "complaints/mediation/request.html", {
        "form": form, "contract": contract, "accept": rule("mediation.accept"),
        "basis": services.BASIS,
        "open_ones": mediations_of_contract(contract, organization=org).filter(
            status__in=(Mediation.Status.REQUESTED, Mediation.Status.ACCEPTED))},
        status=400 if form.errors else 200)


def _step(request, pk, form_class, form_name, call, done, *, form_kwargs=None, files=False):
    """Validate ``form_class``, call ``call(mediation, cleaned_data)``; say ``done``."""
    mediation = mediation_or_404(request, pk)
    args = (request.POST, request.FILES) if files else (request.POST,)
    form = form_class(*args, **(form_kwargs(mediation) if form_kwargs else {}))
    if form.is_valid():
        try:
            call(mediation, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(mediation)
    mediation.refresh_from_db()
    return render_page(request, mediation, status=400, **{form_name: form})


def _common(request):
    return {"user": request.user, "organization": request.organization,
            "ip": client_ip(request)}


@login_required
@require_POST
def accept(request, pk):
    def mediators(mediation):
        return {"mediators": mediation_detail(mediation, user=request.user,
                                              organization=request.organization).mediators}

    return _step(request, pk, MediationAcceptForm, "accept_form",
                 lambda m, d: services.mediation_accept(mediation=m, mediator=d["mediator"],
                                                        **_common(request)),
                 _("The mediation is accepted; both parties are told."), form_kwargs=mediators)


@login_required
@require_POST
def decline(request, pk):
    return _step(request, pk, ReasonForm, "decline_form",
                 lambda m, d: services.mediation_decline(mediation=m, reason=d["reason"],
                                                         **_common(request)),
                 _("The request is declined; both parties are told why."))


@login_required
@require_POST
def session(request, pk):
    return _step(request, pk, MediationSessionForm, "session_form",
                 lambda m, d: services.mediation_session_record(mediation=m, **d,
                                                                **_common(request)),
                 _("The session is recorded."))


@login_required
@require_POST
def opinion(request, pk):
    def call(m, d):
        f = d.pop("file")
        services.mediation_opinion_add(mediation=m, file=_upload(f) if f else None, **d,
                                       **_common(request))

    return _step(request, pk, MediationOpinionForm, "opinion_form", call,
                 _("The opinion is added."), files=True)


@login_required
@require_POST
def settle(request, pk):
    return _step(request, pk, MediationSettleForm, "settle_form",
                 lambda m, d: services.mediation_settle(mediation=m, terms=d["terms"],
                                                        **_common(request)),
                 _("The settlement is recorded; each party is asked to confirm it."))


@login_required
@require_POST
def confirm(request, pk):
    mediation = mediation_or_404(request, pk)
    try:
        mediation = services.mediation_settlement_confirm(mediation=mediation,
                                                          **_common(request))
    except DomainError as exc:
        messages.error(request, str(exc))
        return render_page(request, mediation, status=400)
    messages.success(request, _("The mediation is settled: both parties confirmed.")
                     if mediation.status == Mediation.Status.SETTLED else
                     _("You confirmed the settlement; the other party is asked to."))
    return redirect(mediation)


@login_required
@require_POST
def reject(request, pk):
    return _step(request, pk, ReasonForm, "reject_form",
                 lambda m, d: services.mediation_settlement_reject(
                     mediation=m, reason=d["reason"], **_common(request)),
                 _("You did not accept the settlement; the mediator and the other party are "
                   "told."))


@login_required
@require_POST
def withdraw(request, pk):
    return _step(request, pk, WithdrawForm, "withdraw_form",
                 lambda m, d: services.mediation_withdraw(mediation=m, reason=d["reason"],
                                                          **_common(request)),
                 _("Your request for mediation is withdrawn."))


@login_required
@require_POST
def refer(request, pk):
    return _step(request, pk, MediationReferForm, "refer_form",
                 lambda m, d: services.mediation_refer(mediation=m, **d, **_common(request)),
                 _("The dispute is referred; both parties are told."))


def contract_panel(request, contract) -> str:
    """The contract page's panel (``contracts.panels``): its mediations, and the request
    link for a party while none is open."""
    org = getattr(request, "organization", None)
    if org is None or org.kind not in KINDS:
        return ""
    found = list(mediations_of_contract(contract, organization=org))
    may_request = contract_may_request(contract, org)
    if not found and not may_request:
        return ""
    return render_to_string("complaints/mediation/_contract_panel.html", {
        "mediations": found, "may_request": may_request, "contract": contract,
        "basis": services.BASIS}, request=request)


urlpatterns = [
    path("complaints/mediations/", mediation_list, name="mediation-list"),
    path("complaints/mediations/<int:pk>/", mediation_page, name="mediation-detail"),
    path("complaints/mediations/<int:pk>/files/<int:file_pk>/", mediation_file,
         name="mediation-file"),
    path("complaints/contracts/<int:contract_pk>/mediation/", mediation_request,
         name="mediation-request"),
    path("complaints/mediations/<int:pk>/accept/", accept, name="mediation-accept"),
    path("complaints/mediations/<int:pk>/decline/", decline, name="mediation-decline"),
    path("complaints/mediations/<int:pk>/sessions/", session, name="mediation-session"),
    path("complaints/mediations/<int:pk>/opinions/", opinion, name="mediation-opinion"),
    path("complaints/mediations/<int:pk>/settle/", settle, name="mediation-settle"),
    path("complaints/mediations/<int:pk>/confirm/", confirm, name="mediation-confirm"),
    path("complaints/mediations/<int:pk>/reject/", reject, name="mediation-reject"),
    path("complaints/mediations/<int:pk>/withdraw/", withdraw, name="mediation-withdraw"),
    path("complaints/mediations/<int:pk>/refer/", refer, name="mediation-refer"),
]
