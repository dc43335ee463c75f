"""Contract financing pages (春风行动 第26条).

The supplier: the policy and the banks' offers, and for each of its contracts a page to
apply (with its explicit consent), follow the application and its repayments, and rate
the service. The bank: only the applications made to it — through them the contract, the
award and the supplier, nothing else (everything else is 404) — its decisions,
disbursements and repayments, and its offers."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.exceptions import DomainError, InvalidTransition
from core.forms import BootstrapFormMixin, add_domain_error
from core.http import client_ip

from .models import Contract, FinancingApplication, Repayment
from .selectors import (
    contracts_visible_to,
    financing_applications_visible_to,
    financing_offers_for,
    financing_offers_of,
    repayments_prefetch,
)
from .services import financing as services
from .services.financing import BASIS, offer_cap

POSITIVE = Decimal("0.01")
S = FinancingApplication.Status


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- forms (shape only; the services check the rules) ----------------------------------

class ApplyForm(BootstrapFormMixin, forms.Form):
    offer = forms.ModelChoiceField(label=gettext_lazy("Financing offer"), queryset=None,
                                   empty_label=gettext_lazy("Choose a bank's offer"))
    amount = forms.DecimalField(label=gettext_lazy("Amount asked (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE)
    # Not required here: the service refuses without it, with a clear reason.
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, contract: Contract, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda o: _(
            "%(bank)s · %(name)s — %(rate)s, up to %(cap)s yuan") % {
            "bank": o.bank.name, "name": o.name, "rate": o.rate,
            "cap": f"{offer_cap(o, contract.amount):,.2f}"}
        self.fields["consent"].label = _(
            "On behalf of %(supplier)s I consent to sharing this award and this contract "
            "(the award notice, the contract PDF, its number, amount and parties) with the "
            "bank of the offer chosen above — with that bank only — for it to decide and "
            "manage this financing.") % {"supplier": contract.supplier.name}
        self.fields["consent"].help_text = _(
            "Without this consent the bank sees nothing. No other bank ever sees your award "
            "or contract.")


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("Rating"), coerce=int,
                                    choices=[(i, "★" * i) for i in range(5, 0, -1)],
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class DecideForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect, initial="approve",
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))])
    approved_amount = forms.DecimalField(
        label=gettext_lazy("Approved amount (yuan)"), max_digits=16, decimal_places=2,
        min_value=POSITIVE, required=False,
        help_text=gettext_lazy("Empty: the amount asked for."))
    rate = forms.DecimalField(label=gettext_lazy("Annual rate (%)"), max_digits=5,
                              decimal_places=2, min_value=POSITIVE, required=False)
    collection_account = forms.CharField(
        label=gettext_lazy("Collection account"), max_length=40, required=False,
        help_text=gettext_lazy("Agreed with the supplier: the purchaser will pay the "
                               "contract into it."))
    collection_bank = forms.CharField(label=gettext_lazy("Bank of the collection account"),
                                      max_length=200, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Required for a refusal: the supplier "
                                                    "is told."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class DisburseForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount disbursed (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE)
    disbursed_on = forms.DateField(label=gettext_lazy("Disbursed on"), widget=_date_input())


class ScheduleRowForm(BootstrapFormMixin, forms.Form):
    due_date = forms.DateField(label=gettext_lazy("Due"), required=False,
                               widget=_date_input())
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("due_date")) != bool(data.get("amount")):
            self.add_error("due_date" if data.get("amount") else "amount",
                           _("Give both the date and the amount, or neither."))
        return data


ScheduleFormSet = forms.formset_factory(ScheduleRowForm, extra=0, min_num=4, max_num=60)


class OfferForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Product"), max_length=200)
    rate = forms.CharField(label=gettext_lazy("Annual rate"), max_length=60,
                           help_text=gettext_lazy("As shown to suppliers, e.g. 3.45%, or "
                                                  "LPR + 0.5%."))
    max_percent = forms.DecimalField(label=gettext_lazy("Maximum share of the contract (%)"),
                                     max_digits=5, decimal_places=2, min_value=POSITIVE,
                                     max_value=100)
    term_months = forms.IntegerField(label=gettext_lazy("Term (months)"), min_value=1,
                                     max_value=360)
    description = forms.CharField(label=gettext_lazy("Conditions"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=gettext_lazy("Offered to winners now"),
                                   required=False, initial=True)


# --- who is asking ---------------------------------------------------------------------

def _kind(request, kind) -> Organization:
    org = request.organization
    if org is None or org.kind != kind:
        raise Http404
    return org


def _supplier(request) -> Organization:
    return _kind(request, Organization.Kind.SUPPLIER)


def _bank(request) -> Organization:
    return _kind(request, Organization.Kind.BANK)


def _supplier_contract(request, pk) -> Contract:
    org = _supplier(request)
    return get_object_or_404(contracts_visible_to(organization=org).filter(supplier=org),
                             pk=pk)


def _application(request, pk) -> FinancingApplication:
    """An application the acting bank or supplier may see; anything else is 404."""
    return get_object_or_404(
        financing_applications_visible_to(organization=request.organization), pk=pk)


def _bank_application(request, pk) -> FinancingApplication:
    _bank(request)
    return _application(request, pk)


def timeline(application: FinancingApplication, repayments) -> list[dict]:
    """Each step of an application, done or to come."""
    a = application
    steps = [{"label": _("Applied, with consent to share with %(bank)s") % {
        "bank": a.bank.name}, "at": a.consent_at, "done": True,
        "detail": _("%(amount)s yuan asked") % {"amount": f"{a.amount:,.2f}"}}]
    if a.status == S.REFUSED:
        steps.append({"label": _("Refused"), "at": a.decided_at, "done": True, "bad": True,
                      "detail": a.decision_reason})
        return steps
    approved = a.decided_at is not None
    steps.append({"label": _("Approved"), "at": a.decided_at, "done": approved,
                  "detail": _("%(amount)s yuan at %(rate)s %%; collection account %(account)s "
                              "(%(bank)s)") % {"amount": f"{a.approved_amount:,.2f}",
                                              "rate": a.rate, "account": a.collection_account,
                                              "bank": a.collection_bank} if approved else ""})
    steps.append({"label": _("Disbursed"), "at": a.disbursed_at,
                  "done": a.disbursed_at is not None,
                  "detail": _("%(amount)s yuan") % {"amount": f"{a.disbursed_amount:,.2f}"}
                  if a.disbursed_amount else ""})
    paid = [r.paid_at for r in repayments if r.paid_at]
    steps.append({"label": _("Repaid"), "at": max(paid) if a.status == S.REPAID else None,
                  "done": a.status == S.REPAID,
                  "detail": _("%(paid)s of %(count)s repayments recorded") % {
                      "paid": len(paid), "count": len(repayments)} if repayments else ""})
    return steps


def _policy():
    return {"basis": BASIS, "policy": services.POLICY}


# --- the supplier ------------------------------------------------------------------------

@login_required
def index(request):
    """The supplier's overview (the link in its award message); a bank goes to its list."""
    org = request.organization
    if org is not None and org.kind == Organization.Kind.BANK:
        return redirect("financing:bank-list")
    org = _supplier(request)
    contracts = list(contracts_visible_to(organization=org).filter(supplier=org))
    live = {}
    for application in FinancingApplication.objects.filter(
            supplier=org, contract__in=contracts).select_related("bank").order_by("created_at"):
        live[application.contract_id] = application  # the latest per contract
    return render(request, "contracts/financing/index.html", {
        "offers": [(o, None) for o in financing_offers_for()],
        "rows": [(c, live.get(c.pk)) for c in contracts], **_policy()})


def _contract_context(request, contract: Contract, **bound):
    offers = financing_offers_for(contract.award)
    applications = list(FinancingApplication.objects.filter(
        contract=contract, supplier=contract.supplier).select_related("bank", "offer")
        .prefetch_related(repayments_prefetch()))
    live = next((a for a in applications if a.status in services.LIVE), None)
    rows = []
    for a in applications:
        repayments = list(a.repayments.all())
        rows.append({"application": a, "timeline": timeline(a, repayments),
                     "repayments": repayments,
                     "can_rate": a.status in (S.DISBURSED, S.REPAID) and a.rated_at is None,
                     "rate_form": bound.pop(f"rate_form_{a.pk}", None)
                     or RateForm(prefix=f"rate{a.pk}")})
    can_apply = (contract.signed_at is not None and contract.status != Contract.Status.PAID
                 and live is None)
    return {"contract": contract, "award": contract.award,
            "offers": [(o, offer_cap(o, contract.amount)) for o in offers],
            "applications": rows, "live": live, "can_apply": can_apply,
            "apply_form": bound.pop("apply_form", None)
            or ApplyForm(contract=contract, offers=offers),
            **_policy(), **bound}


@login_required
def contract_financing(request, pk):
    """One contract's financing: the offers, the application with consent, its timeline,
    the repayment schedule and the rating."""
    contract = _supplier_contract(request, pk)
    return render(request, "contracts/financing/contract.html",
                  _contract_context(request, contract))


@login_required
@require_POST
def apply(request, pk):
    contract = _supplier_contract(request, pk)
    form = ApplyForm(request.POST, contract=contract, offers=financing_offers_for(contract.award))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.financing_apply(contract=contract, bank=data["offer"].bank,
                                     offer=data["offer"], amount=data["amount"],
                                     actor=request.user, consent=data["consent"],
                                     ip=client_ip(request))
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
    return render(request, "contracts/financing/contract.html",
                  _contract_context(request, contract, apply_form=form), status=400)


@login_required
@require_POST
def rate(request, pk):
    _supplier(request)
    application = _application(request, pk)
    contract = application.contract
    form = RateForm(request.POST, prefix=f"rate{application.pk}")
    if form.is_valid():
        try:
            services.financing_rate(application=application, actor=request.user,
                                    rating=form.cleaned_data["rating"],
                                    comment=form.cleaned_data["comment"], ip=client_ip(request))
        except InvalidTransition as exc:  # no form to show it on any more
            messages.error(request, str(exc))
            return redirect("financing:contract", pk=contract.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you: the bank sees your rating."))
            return redirect("financing:contract", pk=contract.pk)
    return render(request, "contracts/financing/contract.html",
                  _contract_context(request, contract, **{f"rate_form_{application.pk}": form}),
                  status=400)


# --- the bank ------------------------------------------------------------------------------

@login_required
def bank_list(request):
    org = _bank(request)
    qs = financing_applications_visible_to(organization=org)
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    return render(request, "contracts/financing/bank_list.html", {
        "applications": qs, "status": status, "statuses": S.choices,
        "waiting": financing_applications_visible_to(organization=org).filter(
            status=S.APPLIED).count(), **_policy()})


def _bank_context(request, application: FinancingApplication, **bound):
    repayments = list(application.repayments.select_related("recorded_by"))
    decide = application.status == S.APPLIED
    disburse = application.status == S.APPROVED
    schedule = bound.pop("schedule", None)
    if schedule is None and disburse:
        schedule = ScheduleFormSet(prefix="schedule")
    return {
        "application": application, "contract": application.contract,
        "award": application.contract.award, "supplier": application.supplier,
        "timeline": timeline(application, repayments), "repayments": repayments,
        "can_decide": decide, "can_disburse": disburse,
        "can_repay": application.status == S.DISBURSED,
        "decide_form": bound.pop("decide_form", None) or DecideForm(
            initial={"approved_amount": application.amount,
                     "collection_bank": application.bank.name}) if decide else None,
        "disburse_form": bound.pop("disburse_form", None) or DisburseForm(
            initial={"amount": application.approved_amount,
                     "disbursed_on": timezone.localdate()}) if disburse else None,
        "schedule": schedule, **_policy(), **bound}


@login_required
def bank_detail(request, pk):
    application = _bank_application(request, pk)
    return render(request, "contracts/financing/bank_detail.html",
                  _bank_context(request, application))


@login_required
def bank_contract_pdf(request, pk):
    """The contract as signed, for the bank the supplier applied to (and consented to)."""
    application = _bank_application(request, pk)
    contract = application.contract
    if not contract.pdf:
        raise Http404
    return FileResponse(contract.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{contract.number}.pdf")


@login_required
def bank_award_notice(request, pk):
    """The award notice, for the bank the supplier applied to (and consented to)."""
    application = _bank_application(request, pk)
    award = application.contract.award
    if not award.notice_pdf:
        raise Http404
    project = award.lot.project
    return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                        filename=f"中标通知书-{project.code}-{award.lot.number}.pdf")


@login_required
@require_POST
def decide(request, pk):
    application = _bank_application(request, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        approved = data["decision"] == "approve"
        try:
            services.financing_decide(
                application=application, actor=request.user, approved=approved,
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
    return render(request, "contracts/financing/bank_detail.html",
                  _bank_context(request, application, decide_form=form), status=400)


def _disbursed_at(day: dt.date):
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@login_required
@require_POST
def disburse(request, pk):
    application = _bank_application(request, pk)
    form = DisburseForm(request.POST)
    schedule = ScheduleFormSet(request.POST, prefix="schedule")
    if form.is_valid() and schedule.is_valid():
        rows = [f.cleaned_data for f in schedule.forms if f.cleaned_data.get("due_date")]
        try:
            services.financing_disburse(
                application=application, actor=request.user,
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
    return render(request, "contracts/financing/bank_detail.html",
                  _bank_context(request, application, disburse_form=form, schedule=schedule),
                  status=400)


@login_required
@require_POST
def repay(request, pk, repayment_pk):
    application = _bank_application(request, pk)
    repayment = get_object_or_404(Repayment, pk=repayment_pk, application=application)
    try:
        services.financing_repay(repayment=repayment, actor=request.user,
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
    org = _bank(request)
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
    offers = financing_offers_of(organization=org)
    return render(request, "contracts/financing/offer_list.html", {
        "offers": offers, "form": form, **_policy()},
        status=400 if form.is_bound else 200)


@login_required
def offer_edit(request, pk):
    org = _bank(request)
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
    return render(request, "contracts/financing/offer_form.html",
                  {"offer": offer, "form": form}, status=400 if form.is_bound else 200)

