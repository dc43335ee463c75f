"""One POST view per step on the contract's page, each calling its service.

A step that succeeds says so and goes back to the contract; a refused one (by its form
or by the service) shows the page again with that form bound, its errors next to its
fields (400). The service records the refusal itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import (
    AcceptanceRecordForm,
    AcceptanceRequestForm,
    ConfirmForm,
    InvoiceForm,
    MilestoneDoneForm,
    PaymentForm,
    SignForm,
    SupplementConfirmForm,
    SupplementForm,
    SuspendForm,
)
from ..models import Acceptance
from .contract import contract_or_404, render_page


def _done(request, contract, message: str):
    messages.success(request, message)
    return redirect(contract)


def _refused(request, contract, **bound):
    contract.refresh_from_db()
    return render_page(request, contract, status=400, **bound)


@login_required
@require_POST
def sign(request, pk):
    contract = contract_or_404(request, pk)
    form = SignForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.contract_sign(contract=contract, actor=request.user,
                                   organization=request.organization,
                                   pdf_sha256=form.cleaned_data["pdf_sha256"],
                                   ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract, _("You have signed the contract."))
    return _refused(request, contract, sign_form=form)


@login_required
@require_POST
def suspend(request, pk):
    contract = contract_or_404(request, pk)
    form = SuspendForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.contract_signing_suspend(
                contract=contract, reason=form.cleaned_data["reason"], actor=request.user,
                organization=request.organization, ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract,
                         _("Signing is suspended; both parties are told."))
    return _refused(request, contract, suspend_form=form)


@login_required
@require_POST
def resume(request, pk):
    contract = contract_or_404(request, pk)
    form = ConfirmForm(request.POST, contract=contract)
    try:
        services.contract_signing_resume(contract=contract, actor=request.user,
                                         organization=request.organization,
                                         ip=client_ip(request))
    except DomainError as exc:
        add_domain_error(form, exc)
    else:
        return _done(request, contract,
                     _("Signing is resumed; the signing clock runs again."))
    return _refused(request, contract, confirm_form=form)


@login_required
@require_POST
def publish(request, pk):
    contract = contract_or_404(request, pk)
    form = ConfirmForm(request.POST, contract=contract)
    try:
        services.contract_publish(contract=contract, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        add_domain_error(form, exc)
    else:
        return _done(request, contract,
                     _("The contract is published, without the trade secrets."))
    return _refused(request, contract, confirm_form=form)


@login_required
@require_POST
def file(request, pk):
    contract = contract_or_404(request, pk)
    form = ConfirmForm(request.POST, contract=contract)
    try:
        services.contract_file(contract=contract, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        add_domain_error(form, exc)
    else:
        return _done(request, contract, _("The contract is filed with the finance bureau."))
    return _refused(request, contract, confirm_form=form)


@login_required
@require_POST
def milestone_done(request, pk):
    contract = contract_or_404(request, pk)
    form = MilestoneDoneForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.milestone_done(milestone=form.cleaned_data["milestone"],
                                    actor=request.user, note=form.cleaned_data["note"],
                                    ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract,
                         _("The milestone is recorded; the purchaser is told."))
    return _refused(request, contract, milestone_form=form)


@login_required
@require_POST
def acceptance_request(request, pk):
    contract = contract_or_404(request, pk)
    form = AcceptanceRequestForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.acceptance_request(contract=contract, actor=request.user,
                                        note=form.cleaned_data["note"], ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract,
                         _("Acceptance is requested; the purchaser's clock runs."))
    return _refused(request, contract, acceptance_request_form=form)


@login_required
@require_POST
def acceptance_record(request, pk):
    contract = contract_or_404(request, pk)
    form = AcceptanceRecordForm(request.POST, contract=contract)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.acceptance_record(
                acceptance=data["acceptance"], actor=request.user,
                passed=data["result"] == Acceptance.Result.PASSED,
                items_checked=data["items_checked"], members=data["members"],
                report=data["report"], service_users_invited=data["service_users_invited"],
                public_service=data["public_service"], ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract,
                         _("The acceptance is recorded; the supplier is told."))
    return _refused(request, contract, acceptance_record_form=form)


@login_required
@require_POST
def invoice_submit(request, pk):
    contract = contract_or_404(request, pk)
    form = InvoiceForm(request.POST, request.FILES, contract=contract)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.invoice_submit(contract=contract, actor=request.user,
                                    number=data["number"], amount=data["amount"],
                                    issued_on=data["issued_on"], file_name=data["file"].name,
                                    file_data=data["file"].read(), ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract,
                         _("The invoice is submitted; the purchaser's payment clock runs."))
    return _refused(request, contract, invoice_form=form)


@login_required
@require_POST
def payment_record(request, pk):
    contract = contract_or_404(request, pk)
    form = PaymentForm(request.POST, contract=contract,
                       collection_account=services.collection_account(contract))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.payment_record(contract=contract, actor=request.user,
                                    amount=data["amount"], paid_on=data["paid_on"],
                                    voucher=data["voucher"], invoice=data["invoice"],
                                    payee_account=data["payee_account"],
                                    ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract, _("The payment is recorded; the supplier is told."))
    return _refused(request, contract, payment_form=form)


@login_required
@require_POST
def supplement_propose(request, pk):
    contract = contract_or_404(request, pk)
    form = SupplementForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.supplement_propose(contract=contract, actor=request.user,
                                        amount=form.cleaned_data["amount"],
                                        reason=form.cleaned_data["reason"],
                                        ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract, _("The supplementary contract is proposed; the "
                                              "supplier is asked to confirm it."))
    return _refused(request, contract, supplement_form=form)


@login_required
@require_POST
def supplement_confirm(request, pk):
    contract = contract_or_404(request, pk)
    form = SupplementConfirmForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.supplement_confirm(supplement=form.cleaned_data["supplement"],
                                        actor=request.user, ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(request, contract, _("The supplementary contract is confirmed."))
    return _refused(request, contract, supplement_confirm_form=form)
