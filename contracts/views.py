"""Contract pages: the list, the ledger, drafting, and every step on the contract's page.

Both parties and supervision see a contract; outsiders get 404. Every step calls its
service; a refusal is shown next to its form, with its basis and what was typed (400)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Organization
from audit.services import audit_request
from core.csv import csv_response
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip
from deadlines.selectors import countdown
from procurement.models import Announcement, Award
from rules.registry import rule

from . import services
from .forms import (
    AcceptanceRecordForm,
    AcceptanceRequestForm,
    ConfirmForm,
    DraftForm,
    InvoiceForm,
    MilestoneDoneForm,
    MilestoneFormSet,
    PaymentForm,
    SignForm,
    SupplementConfirmForm,
    SupplementForm,
    SuspendForm,
    milestones_of,
)
from .models import Acceptance, Contract, Invoice, Signature
from .rules import CHARGE_KINDS, is_sme
from .selectors import contract_clocks, contracts_visible_to, ledger_of, party_of

LEDGER_STATUS = {"awarded": gettext_lazy("Awarded, no contract yet"),
                 **dict(Contract.Status.choices)}
SUSPEND_BASIS = "条例 第54条"


def _contract_or_404(request, pk) -> Contract:
    return get_object_or_404(contracts_visible_to(organization=request.organization), pk=pk)


# --- lists -----------------------------------------------------------------------------

@login_required
def contract_list(request):
    org = request.organization
    if org is None or org.kind not in (Organization.Kind.PURCHASER,
                                       Organization.Kind.SUPPLIER,
                                       Organization.Kind.FINANCE):
        raise Http404
    qs = contracts_visible_to(organization=org)
    status = request.GET.get("status", "")
    if status in Contract.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "contracts/contract_list.html", {
        "page": page, "status": status, "statuses": Contract.Status.choices,
        "supervising": org.kind == Organization.Kind.FINANCE})


def _ledger_org(request) -> Organization:
    org = request.organization
    if org is None or org.kind not in (Organization.Kind.PURCHASER,
                                       Organization.Kind.FINANCE):
        raise Http404
    return org


LEDGER_COLUMNS = [
    ("project_code", gettext_lazy("Project number")),
    ("project_title", gettext_lazy("Project name")),
    ("lot_number", gettext_lazy("Lot")),
    ("budget", gettext_lazy("Budget (yuan)")),
    ("supplier_name", gettext_lazy("Supplier")),
    ("award_amount", gettext_lazy("Award amount (yuan)")),
    ("awarded_at", gettext_lazy("Awarded at")),
    ("contract_number", gettext_lazy("Contract number")),
    ("contract_amount", gettext_lazy("Contract amount (yuan)")),
    ("signed_at", gettext_lazy("Signed at")),
    ("published_at", gettext_lazy("Published at")),
    ("filed_at", gettext_lazy("Filed at")),
    ("accepted_at", gettext_lazy("Accepted at")),
    ("paid_total", gettext_lazy("Paid (yuan)")),
    ("status", gettext_lazy("Status")),
    ("overdue_clocks", gettext_lazy("Overdue clocks")),
]


def _ledger_cell(row, name):
    value = getattr(row, name)
    if name == "status":
        return str(LEDGER_STATUS.get(value, value))
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value  # amounts stay numbers; core.csv.safe_cell escapes text only


@login_required
def ledger(request):
    """The purchaser's ledger (台账); supervision reads every unit's. ?format=csv exports."""
    org = _ledger_org(request)
    supervising = org.kind == Organization.Kind.FINANCE
    rows = ledger_of(organization=org).select_related("purchaser", "award__contract")
    if request.GET.get("format") == "csv":
        # Supplier and purchaser names are typed by registrants: csv_response escapes
        # any that a spreadsheet would run as a formula.
        columns = ([("purchaser", _("Purchaser"))] if supervising else []) + LEDGER_COLUMNS
        return csv_response(
            f"台账-{timezone.localdate():%Y%m%d}.csv", [label for _name, label in columns],
            ([row.purchaser.name if name == "purchaser" else _ledger_cell(row, name)
              for name, _label in columns] for row in rows.iterator()))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "contracts/ledger.html", {
        "page": page, "supervising": supervising,
        "rows": [(row, LEDGER_STATUS.get(row.status, row.status),
                  getattr(row.award, "contract", None)) for row in page]})


# --- drafting ---------------------------------------------------------------------------

@login_required
def contract_draft(request, award_pk):
    """The purchaser drafts the contract of an awarded lot, or redrafts it while unsigned."""
    org = request.organization
    if org is None:
        raise Http404
    award = get_object_or_404(
        Award.objects.select_related("lot__project", "bid__supplier"),
        pk=award_pk, lot__project__purchaser=org)
    supplier = award.bid.supplier
    existing = Contract.objects.filter(award=award).first()
    if existing is not None and (existing.status != Contract.Status.DRAFT
                                 or existing.signatures.exists()):
        messages.info(request, _("This contract has been signed and can no longer be "
                                 "redrafted."))
        return redirect(existing)
    if existing is not None:
        initial = DraftForm.initial_from(existing)
        milestone_initial = [{"title": m.title, "due_date": m.due_date}
                             for m in existing.milestones.all()]
    else:
        initial = {"payee_name": supplier.name, "payment_term": 2,
                   "payment_term_unit": Contract.TermUnit.WORKDAYS, "acceptance_term": 1}
        milestone_initial = []
    data = request.POST if request.method == "POST" else None
    form = DraftForm(data, initial=initial, supplier=supplier)
    milestones = MilestoneFormSet(data, prefix="milestones", initial=milestone_initial)
    status = 200
    if request.method == "POST":
        if form.is_valid() and milestones.is_valid():
            try:
                contract = services.contract_draft(
                    award=award, actor=request.user, ip=client_ip(request),
                    milestones=milestones_of(milestones), **form.terms())
            except DomainError as exc:
                audit_request(request, action="contract.draft_refused", obj=award,
                              detail={"code": exc.code, "basis": str(exc.basis),
                                      "message": str(exc)})
                exc.field = form.field_for(exc)
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The contract is drafted. The supplier has been "
                                            "asked to check and sign it."))
                return redirect(contract)
        status = 400
    return render(request, "contracts/contract_form.html", {
        "form": form, "milestones": milestones, "award": award, "lot": award.lot,
        "project": award.lot.project, "supplier": supplier, "existing": existing,
        "sme": is_sme(supplier), "pay_rule": rule("payment.after_invoice"),
        "funds_rule": rule("payment.funds_condition"),
        "advance_rule": rule("advance_payment.min"),
        "bond_rule": rule("fees.performance_bond_max")}, status=status)


# --- the contract's page ----------------------------------------------------------------

def _context(request, contract: Contract, **bound):
    """Everything both parties see, with each step's form (a refused one stays bound)."""
    party = party_of(request.organization, contract)
    signatures = list(contract.signatures.select_related("user", "organization"))
    signed = {s.party for s in signatures}
    milestones = list(contract.milestones.all())
    acceptances = list(contract.acceptances.select_related("requested_by", "recorded_by"))
    invoices = list(contract.invoices.select_related("submitted_by"))
    payments = list(contract.payments.select_related("invoice", "recorded_by"))
    supplements = list(contract.supplements.select_related("created_by", "confirmed_by"))
    now = timezone.now()
    clocks = contract_clocks(contract, acceptances, invoices)
    pay_clocks = {d.subject_id: d for d in clocks if d.clock == "payment.after_invoice"}
    sme = is_sme(contract.supplier)
    invoice_rows = []
    for invoice in invoices:
        clock = pay_clocks.get(str(invoice.pk))
        invoice_rows.append({
            "invoice": invoice, "clock": clock,
            "countdown": countdown(clock, now) if clock else None,
            "interest": services.late_interest(invoice, now=now) if sme else None})
    pending = next((a for a in acceptances if a.result == Acceptance.Result.PENDING), None)
    account = services.collection_account(contract)
    status = contract.status
    unsigned = status in (Contract.Status.DRAFT, Contract.Status.SIGNING)
    kw = {"contract": contract}

    milestone_form = bound.pop("milestone_form", None)
    bound_milestone = milestone_form.data.get("milestone") if milestone_form else None
    confirm_form = bound.pop("supplement_confirm_form", None)
    bound_supplement = confirm_form.data.get("supplement") if confirm_form else None
    context = {
        "contract": contract, "party": party, "signatures": signatures,
        "can_sign": party in Signature.Party.values and party not in signed and unsigned
        and not contract.suspended_reason,
        "can_redraft": party == "purchaser" and status == Contract.Status.DRAFT
        and not signatures and not contract.suspended_reason,
        "can_suspend": party in ("purchaser", "finance") and unsigned,
        "suspend_basis": SUSPEND_BASIS,
        "milestone_rows": [
            (m, milestone_form if bound_milestone == str(m.pk) else
             MilestoneDoneForm(contract=contract, initial={"milestone": m.pk}))
            for m in milestones],
        "acceptances": acceptances, "pending": pending,
        "can_request_acceptance": party == "supplier" and status in (
            Contract.Status.SIGNED, Contract.Status.RECTIFYING),
        "invoice_rows": invoice_rows, "sme": sme, "payments": payments,
        "can_invoice": party == "supplier" and status in (
            Contract.Status.SIGNED, Contract.Status.ACCEPTANCE, Contract.Status.RECTIFYING,
            Contract.Status.ACCEPTED),
        "can_pay": party == "purchaser" and contract.signed_at is not None
        and status != Contract.Status.PAID,
        "collection_account": account,
        "financed": account != contract.payee_account,
        "supplement_rows": [
            (s, confirm_form if bound_supplement == str(s.pk) else
             SupplementConfirmForm(contract=contract, initial={"supplement": s.pk}))
            for s in supplements],
        "can_supplement": party == "purchaser" and contract.signed_at is not None
        and status != Contract.Status.PAID,
        "clocks": [(d, countdown(d, now)) for d in clocks],
        "notice": Announcement.objects.filter(
            kind=Announcement.Kind.CONTRACT, fields__contract_id=contract.pk).first(),
        "secret_labels": [services.SECRET_FIELDS[k] for k in contract.secret_fields
                          if k in services.SECRET_FIELDS],
        "charges": [(CHARGE_KINDS.get(c["kind"], c["kind"]), c["percent"])
                    for c in contract.charges if Decimal(c["percent"] or 0)],
        "sign_form": SignForm(contract=contract, initial={"pdf_sha256": contract.pdf_sha256}),
        "suspend_form": SuspendForm(**kw), "confirm_form": ConfirmForm(**kw),
        "acceptance_request_form": AcceptanceRequestForm(**kw),
        "acceptance_record_form": AcceptanceRecordForm(
            initial={"acceptance": pending.pk if pending else None}, **kw),
        "invoice_form": InvoiceForm(**kw),
        "payment_form": PaymentForm(collection_account=account, **kw),
        "supplement_form": SupplementForm(**kw),
    }
    context.update(bound)
    return context


@login_required
def contract_detail(request, pk):
    contract = _contract_or_404(request, pk)
    return render(request, "contracts/contract_detail.html", _context(request, contract))


@login_required
def contract_pdf(request, pk):
    """The signed text: the two parties and supervision only."""
    contract = _contract_or_404(request, pk)
    if not contract.pdf:
        raise Http404
    return FileResponse(contract.pdf.open("rb"), content_type="application/pdf",
                        filename=f"{contract.number}.pdf")


def contract_public_pdf(request, pk):
    """The published version, without the trade secrets: anyone, once published."""
    contract = get_object_or_404(Contract, pk=pk, published_at__isnull=False)
    if not contract.public_pdf:
        raise Http404
    return FileResponse(contract.public_pdf.open("rb"), content_type="application/pdf",
                        filename=f"{contract.number}-public.pdf")


@login_required
def invoice_file(request, pk, invoice_pk):
    contract = _contract_or_404(request, pk)
    invoice = get_object_or_404(Invoice, pk=invoice_pk, contract=contract)
    return FileResponse(invoice.file.open("rb"), as_attachment=True,
                        filename=invoice.file_name or f"{invoice.number}")


# --- the steps -------------------------------------------------------------------------

def _sign(request, contract, data):
    return services.contract_sign(contract=contract, actor=request.user,
                                  organization=request.organization,
                                  pdf_sha256=data["pdf_sha256"], ip=client_ip(request))


def _suspend(request, contract, data):
    return services.contract_signing_suspend(
        contract=contract, reason=data["reason"], actor=request.user,
        organization=request.organization, ip=client_ip(request))


def _resume(request, contract, data):
    return services.contract_signing_resume(
        contract=contract, actor=request.user, organization=request.organization,
        ip=client_ip(request))


def _publish(request, contract, data):
    return services.contract_publish(contract=contract, actor=request.user,
                                     ip=client_ip(request))


def _file(request, contract, data):
    return services.contract_file(contract=contract, actor=request.user, ip=client_ip(request))


def _milestone(request, contract, data):
    return services.milestone_done(milestone=data["milestone"], actor=request.user,
                                   note=data["note"], ip=client_ip(request))


def _acceptance_request(request, contract, data):
    return services.acceptance_request(contract=contract, actor=request.user,
                                       note=data["note"], ip=client_ip(request))


def _acceptance_record(request, contract, data):
    return services.acceptance_record(
        acceptance=data["acceptance"], actor=request.user,
        passed=data["result"] == Acceptance.Result.PASSED,
        items_checked=data["items_checked"], members=data["members"], report=data["report"],
        service_users_invited=data["service_users_invited"],
        public_service=data["public_service"], ip=client_ip(request))


def _invoice(request, contract, data):
    upload = data["file"]
    return services.invoice_submit(contract=contract, actor=request.user,
                                   number=data["number"], amount=data["amount"],
                                   issued_on=data["issued_on"], file_name=upload.name,
                                   file_data=upload.read(), ip=client_ip(request))


def _payment(request, contract, data):
    return services.payment_record(contract=contract, actor=request.user,
                                   amount=data["amount"], paid_on=data["paid_on"],
                                   voucher=data["voucher"], invoice=data["invoice"],
                                   payee_account=data["payee_account"], ip=client_ip(request))


def _supplement(request, contract, data):
    return services.supplement_propose(contract=contract, actor=request.user,
                                       amount=data["amount"], reason=data["reason"],
                                       ip=client_ip(request))


def _supplement_confirm(request, contract, data):
    return services.supplement_confirm(supplement=data["supplement"], actor=request.user,
                                       ip=client_ip(request))


# action: (form, its name in the page's context, the step, what to say when done,
#          the audit action of a refusal, if one is recorded)
ACTIONS = {
    "sign": (SignForm, "sign_form", _sign, gettext_lazy("You have signed the contract."),
             None),
    "suspend": (SuspendForm, "suspend_form", _suspend,
                gettext_lazy("Signing is suspended; both parties are told."), None),
    "resume": (ConfirmForm, "confirm_form", _resume,
               gettext_lazy("Signing is resumed; the signing clock runs again."), None),
    "publish": (ConfirmForm, "confirm_form", _publish,
                gettext_lazy("The contract is published, without the trade secrets."), None),
    "file": (ConfirmForm, "confirm_form", _file,
             gettext_lazy("The contract is filed with the finance bureau."), None),
    "milestone-done": (MilestoneDoneForm, "milestone_form", _milestone,
                       gettext_lazy("The milestone is recorded; the purchaser is told."),
                       None),
    "acceptance-request": (AcceptanceRequestForm, "acceptance_request_form",
                           _acceptance_request,
                           gettext_lazy("Acceptance is requested; the purchaser's clock "
                                        "runs."), None),
    "acceptance-record": (AcceptanceRecordForm, "acceptance_record_form", _acceptance_record,
                          gettext_lazy("The acceptance is recorded; the supplier is told."),
                          None),
    "invoice-submit": (InvoiceForm, "invoice_form", _invoice,
                       gettext_lazy("The invoice is submitted; the purchaser's payment clock "
                                    "runs."), None),
    "payment-record": (PaymentForm, "payment_form", _payment,
                       gettext_lazy("The payment is recorded; the supplier is told."),
                       "payment.refused"),
    "supplement-propose": (SupplementForm, "supplement_form", _supplement,
                           gettext_lazy("The supplementary contract is proposed; the "
                                        "supplier is asked to confirm it."), None),
    "supplement-confirm": (SupplementConfirmForm, "supplement_confirm_form",
                           _supplement_confirm,
                           gettext_lazy("The supplementary contract is confirmed."), None),
}


@login_required
@require_POST
def contract_action(request, pk, action):
    contract = _contract_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, name, step, done, refused = ACTIONS[action]
    extra = {"collection_account": services.collection_account(contract)} \
        if form_class is PaymentForm else {}
    form = form_class(request.POST, request.FILES, contract=contract, **extra)
    if form.is_valid():
        try:
            step(request, contract, form.cleaned_data)
        except DomainError as exc:
            if refused:
                audit_request(request, action=refused, obj=contract,
                              detail={"code": exc.code, "basis": str(exc.basis),
                                      "message": str(exc)})
            add_domain_error(form, exc)
        else:
            messages.success(request, str(done))
            return redirect(contract)
    contract.refresh_from_db()
    context = _context(request, contract, **{name: form})
    context["open_action"] = action
    return render(request, "contracts/contract_detail.html", context, status=400)
