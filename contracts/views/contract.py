"""The contract's page, its PDFs and its invoices' files."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Organization
from accounts.permissions import acting_organization
from procurement.models import Announcement

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
from ..models import Contract, Invoice
from ..panels import contract_panels
from ..rules import CHARGE_KINDS
from ..selectors import contract_detail as read_contract
from ..selectors import contracts_visible_to
from ..services.signing import SUSPEND_BASIS

K = Organization.Kind


def contract_or_404(request, pk) -> Contract:
    """The contract, if the person's organisation is a party to it or supervises it."""
    org = acting_organization(request, K.PURCHASER, K.SUPPLIER, K.FINANCE)
    return get_object_or_404(contracts_visible_to(user=request.user, organization=org),
                             pk=pk)


def render_page(request, contract: Contract, *, status=200, **bound):
    """The contract's page as ``selectors.contract_detail`` reads it, with each step's
    form; ``bound`` holds the form of a refused step, shown with its errors."""
    detail = read_contract(contract, organization=request.organization)
    kw = {"contract": contract}
    milestone_form = bound.pop("milestone_form", None)
    bound_milestone = milestone_form.data.get("milestone") if milestone_form else None
    confirm_form = bound.pop("supplement_confirm_form", None)
    bound_supplement = confirm_form.data.get("supplement") if confirm_form else None
    pending = detail.pending
    context = {
        "contract": contract, "detail": detail, "party": detail.party, "may": detail.allowed,
        "signatures": detail.signatures, "suspend_basis": SUSPEND_BASIS,
        "milestone_rows": [
            (m, milestone_form if bound_milestone == str(m.pk) else
             MilestoneDoneForm(contract=contract, initial={"milestone": m.pk}))
            for m in detail.milestones],
        "acceptances": detail.acceptances, "pending": pending,
        "invoices": detail.invoices, "sme": detail.supplier_is_sme,
        "payments": detail.payments, "collection_account": detail.collection_account,
        "financed": detail.financed,
        "supplement_rows": [
            (s, confirm_form if bound_supplement == str(s.pk) else
             SupplementConfirmForm(contract=contract, initial={"supplement": s.pk}))
            for s in detail.supplements],
        "clocks": detail.clocks,
        "panels": contract_panels(request, contract),
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
        "payment_form": PaymentForm(collection_account=detail.collection_account, **kw),
        "supplement_form": SupplementForm(**kw),
    }
    context.update(bound)
    return render(request, "contracts/contract_detail.html", context, status=status)


@login_required
def contract_detail(request, pk):
    return render_page(request, contract_or_404(request, pk))


@login_required
def contract_pdf(request, pk):
    """The signed text: the two parties and supervision only."""
    contract = contract_or_404(request, pk)
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
    contract = contract_or_404(request, pk)
    invoice = get_object_or_404(Invoice, pk=invoice_pk, contract=contract)
    return FileResponse(invoice.file.open("rb"), as_attachment=True,
                        filename=invoice.file_name or f"{invoice.number}")
