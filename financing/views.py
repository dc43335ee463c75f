"""Contract financing pages (春风行动 第26条).

The supplier: the policy and the banks' offers, and for each of its contracts a page to
apply (with its explicit consent), follow the application and its repayments, and rate
the service. The bank: only the applications made to it — through them the contract, the
award and the supplier, nothing else (everything else is 404) — its decisions,
disbursements and repayments, and its offers. The bank's forms and buttons are the steps
``steps.APPLICATION`` allows now. Refusals are recorded by the services themselves."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError, InvalidTransition
from core.forms import add_domain_error
from core.http import client_ip

from . import services, steps
from .forms import ApplyForm, DecideForm, DisburseForm, OfferForm, RateForm, ScheduleFormSet
from .models import FinancingApplication, Repayment
from .selectors import (
    contract_financing,
    financing_applications_visible_to,
    financing_offers_for,
    financing_offers_of,
    supplier_contracts,
)

K = Organization.Kind
S = FinancingApplication.Status


def _supplier_contract(request, pk):
    supplier = acting_organization(request, K.SUPPLIER)
    return supplier, get_object_or_404(supplier_contracts(organization=supplier), pk=pk)


def _application(request, pk, kind) -> tuple[Organization, FinancingApplication]:
    """An application the acting bank or supplier may see; anything else is 404."""
    org = acting_organization(request, kind)
    return org, get_object_or_404(financing_applications_visible_to(organization=org), pk=pk)


def timeline(application: FinancingApplication, repayments) -> list[dict]:
    """Each step of an application, done or to come."""
    a = application
    steps_ = [{"label": _("Applied, with consent to share with %(bank)s") % {
        "bank": a.bank.name}, "at": a.consent_at, "done": True,
        "detail": _("%(amount)s yuan asked") % {"amount": f"{a.amount:,.2f}"}}]
    if a.status == S.REFUSED:
        steps_.append({"label": _("Refused"), "at": a.decided_at, "done": True, "bad": True,
                       "detail": a.decision_reason})
        return steps_
    approved = a.decided_at is not None
    steps_.append({"label": pgettext("financing status", "Approved"), "at": a.decided_at,
                   "done": approved,
                   "detail": _("%(amount)s yuan at %(rate)s %%; collection account %(account)s "
                               "(%(bank)s)") % {"amount": f"{a.approved_amount:,.2f}",
                                               "rate": a.rate, "account": a.collection_account,
                                               "bank": a.collection_bank} if approved else ""})
    steps_.append({"label": _("Disbursed"), "at": a.disbursed_at,
                   "done": a.disbursed_at is not None,
                   "detail": _("%(amount)s yuan") % {"amount": f"{a.disbursed_amount:,.2f}"}
                   if a.disbursed_amount else ""})
    paid = [r.paid_at for r in repayments if r.paid_at]
    steps_.append({"label": _("Repaid"), "at": max(paid) if a.status == S.REPAID else None,
                   "done": a.status == S.REPAID,
                   "detail": _("%(paid)s of %(count)s repayments recorded") % {
                       "paid": len(paid), "count": len(repayments)} if repayments else ""})
    return steps_


def _policy():
    return {"basis": services.BASIS, "policy": services.POLICY}


# --- the supplier ------------------------------------------------------------------------

@login_required
def index(request):
    """The supplier's overview (the link in its award message); a bank goes to its list."""
    org = request.organization
    if org is not None and org.kind == K.BANK:
        return redirect("financing:bank-list")
    org = acting_organization(request, K.SUPPLIER)
    contracts = list(supplier_contracts(organization=org))
    latest = {}
    for application in financing_applications_visible_to(organization=org).filter(
            contract__in=contracts).order_by("created_at"):
        latest[application.contract_id] = application
    return render(request, "financing/index.html", {
        "offers": [(o, None) for o in financing_offers_for()],
        "rows": [(c, latest.get(c.pk)) for c in contracts], **_policy()})


def _contract_context(contract, **bound):
    financing = contract_financing(contract)
    rows = []
    for a in financing.applications:
        repayments = list(a.repayments.all())
        rows.append({"application": a, "timeline": timeline(a, repayments),
                     "repayments": repayments,
                     "can_rate": a.status in steps.RATEABLE and a.rated_at is None,
                     "rate_form": bound.pop(f"rate_form_{a.pk}", None)
                     or RateForm(prefix=f"rate{a.pk}")})
    return {"contract": contract, "award": contract.award,
            "offers": [(o, o.up_to) for o in financing.offers],
            "applications": rows, "live": financing.live, "can_apply": financing.can_apply,
            "apply_form": bound.pop("apply_form", None)
            or ApplyForm(contract=contract, offers=financing_offers_for(contract.award)),
            **_policy(), **bound}


@login_required
def contract_financing_page(request, pk):
    """One contract's financing: the offers, the application with consent, its timeline,
    the repayment schedule and the rating."""
    _supplier, contract = _supplier_contract(request, pk)
    return render(request, "financing/contract.html", _contract_context(contract))


@login_required
@require_POST
def apply(request, pk):
    supplier, contract = _supplier_contract(request, pk)
    form = ApplyForm(request.POST, contract=contract, offers=financing_offers_for(contract.award))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.financing_apply(supplier=supplier, contract=contract, offer=data["offer"],
                                     amount=data["amount"], actor=request.user,
                                     consent=data["consent"], ip=client_ip(request))
        except InvalidTransition as exc:  # e.g. applied meanwhile: the form is gone
            messages.error(request, str(exc))
            return redirect("financing:contract", pk=contract.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your application is with %(bank)s. Only that bank "
                                        "sees your award and contract.")
                             % {"bank": data["offer"].bank.name})
            return redirect("financing:contract", pk=contract.pk)
    return render(request, "financing/contract.html",
                  _contract_context(contract, apply_form=form), status=400)


@login_required
@require_POST
def rate(request, pk):
    supplier, application = _application(request, pk, K.SUPPLIER)
    contract = application.contract
    form = RateForm(request.POST, prefix=f"rate{application.pk}")
    if form.is_valid():
        try:
            services.financing_rate(application=application, supplier=supplier,
                                    actor=request.user, rating=form.cleaned_data["rating"],
                                    comment=form.cleaned_data["comment"], ip=client_ip(request))
        except InvalidTransition as exc:  # no form to show it on any more
            messages.error(request, str(exc))
            return redirect("financing:contract", pk=contract.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you: the bank sees your rating."))
            return redirect("financing:contract", pk=contract.pk)
    return render(request, "financing/contract.html",
                  _contract_context(contract, **{f"rate_form_{application.pk}": form}),
                  status=400)


# --- the bank ------------------------------------------------------------------------------

@login_required
def bank_list(request):
    org = acting_organization(request, K.BANK)
    status = request.GET.get("status", "")
    return render(request, "financing/bank_list.html", {
        "applications": financing_applications_visible_to(organization=org, status=status),
        "status": status, "statuses": S.choices,
        "waiting": financing_applications_visible_to(organization=org,
                                                     status=S.APPLIED).count(),
        **_policy()})


def _bank_context(application: FinancingApplication, **bound):
    repayments = list(application.repayments.select_related("recorded_by"))
    actions = steps.APPLICATION.actions(application)
    decide = "approve" in actions or "refuse" in actions
    disburse = "disburse" in actions
    schedule = bound.pop("schedule", None)
    if schedule is None and disburse:
        schedule = ScheduleFormSet(prefix="schedule")
    return {
        "application": application, "contract": application.contract,
        "award": application.contract.award, "supplier": application.supplier,
        "timeline": timeline(application, repayments), "repayments": repayments,
        "actions": actions, "can_decide": decide, "can_disburse": disburse,
        "can_repay": "repay" in actions,
        "decide_form": bound.pop("decide_form", None) or DecideForm(
            initial={"approved_amount": application.amount,
                     "collection_bank": application.bank.name}) if decide else None,
        "disburse_form": bound.pop("disburse_form", None) or DisburseForm(
            initial={"amount": application.approved_amount,
                     "disbursed_on": timezone.localdate()}) if disburse else None,
        "schedule": schedule, **_policy(), **bound}


@login_required
def bank_detail(request, pk):
    _bank, application = _application(request, pk, K.BANK)
    return render(request, "financing/bank_detail.html", _bank_context(application))


@login_required
def bank_contract_pdf(request, pk):
    """The contract as signed, for the bank the supplier applied to (and consented to)."""
    _bank, application = _application(request, pk, K.BANK)
    contract = application.contract
    if not contract.pdf:
        raise Http404
    return FileResponse(contract.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{contract.number}.pdf")


@login_required
def bank_award_notice(request, pk):
    """The award notice, for the bank the supplier applied to (and consented to)."""
    _bank, application = _application(request, pk, K.BANK)
    award = application.contract.award
    if not award.notice_pdf:
        raise Http404
    project = award.lot.project
    return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                        filename=f"中标通知书-{project.code}-{award.lot.number}.pdf")


@login_required
@require_POST
def decide(request, pk):
    bank, application = _application(request, pk, K.BANK)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        approved = data["decision"] == "approve"
        try:
            services.financing_decide(
                application=application, bank=bank, actor=request.user, approved=approved,
                approved_amount=data["approved_amount"], rate=data["rate"],
                collection_account=data["collection_account"],
                collection_bank=data["collection_bank"], reason=data["reason"],
                ip=client_ip(request))
        except InvalidTransition as exc:  # decided meanwhile: no form to show it on
            messages.error(request, str(exc))
            return redirect("financing:bank-detail", pk=application.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Approved: the supplier and the purchaser are told; "
                                        "the contract is now paid into the collection "
                                        "account.") if approved else
                             _("Refused: the supplier is told, with your reason."))
            return redirect("financing:bank-detail", pk=application.pk)
    application.refresh_from_db()
    return render(request, "financing/bank_detail.html",
                  _bank_context(application, decide_form=form), status=400)


def _disbursed_at(day: dt.date):
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@login_required
@require_POST
def disburse(request, pk):
    bank, application = _application(request, pk, K.BANK)
    form = DisburseForm(request.POST)
    schedule = ScheduleFormSet(request.POST, prefix="schedule")
    if form.is_valid() and schedule.is_valid():
        rows = [f.cleaned_data for f in schedule.forms if f.cleaned_data.get("due_date")]
        try:
            services.financing_disburse(
                application=application, bank=bank, actor=request.user,
                amount=form.cleaned_data["amount"],
                at=_disbursed_at(form.cleaned_data["disbursed_on"]),
                schedule=[{"due_date": r["due_date"], "amount": r["amount"]} for r in rows],
                ip=client_ip(request))
        except InvalidTransition as exc:  # disbursed meanwhile: no form to show it on
            messages.error(request, str(exc))
            return redirect("financing:bank-detail", pk=application.pk)
        except DomainError as exc:
            if exc.field == "schedule":
                exc.field = None
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The disbursement and its repayment schedule are "
                                        "recorded; the supplier is told."))
            return redirect("financing:bank-detail", pk=application.pk)
    application.refresh_from_db()
    return render(request, "financing/bank_detail.html",
                  _bank_context(application, disburse_form=form, schedule=schedule),
                  status=400)


@login_required
@require_POST
def repay(request, pk, repayment_pk):
    bank, application = _application(request, pk, K.BANK)
    repayment = get_object_or_404(Repayment, pk=repayment_pk, application=application)
    try:
        services.financing_repay(repayment=repayment, bank=bank, actor=request.user,
                                 ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        application.refresh_from_db()
        messages.success(request, _("The loan is repaid in full.")
                         if application.status == S.REPAID else
                         _("The repayment is recorded."))
    return redirect("financing:bank-detail", pk=application.pk)


@login_required
def offer_list(request):
    """The bank's offers, and a new one."""
    org = acting_organization(request, K.BANK)
    form = OfferForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.financing_offer_save(bank=org, actor=request.user,
                                              ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The offer is saved. Winners see the active ones "
                                            "with their award."))
                return redirect("financing:offer-list")
    return render(request, "financing/offer_list.html", {
        "offers": financing_offers_of(organization=org), "form": form, **_policy()},
        status=400 if form.is_bound else 200)


@login_required
def offer_edit(request, pk):
    org = acting_organization(request, K.BANK)
    offer = get_object_or_404(financing_offers_of(organization=org), pk=pk)
    initial = {f: getattr(offer, f) for f in ("name", "rate", "max_percent", "term_months",
                                               "description", "is_active")}
    form = OfferForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.financing_offer_save(bank=org, actor=request.user, offer=offer,
                                              ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The offer is saved."))
                return redirect("financing:offer-list")
    return render(request, "financing/offer_form.html",
                  {"offer": offer, "form": form}, status=400 if form.is_bound else 200)
