"""The purchaser drafts the contract of an awarded lot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip
from procurement.models import Award
from rules.registry import rule

from .. import services
from ..forms import DraftForm, MilestoneFormSet, milestones_of
from ..models import Contract
from ..rules import is_sme
from ..steps import CONTRACT


@login_required
def contract_draft(request, award_pk):
    """The purchaser drafts the contract of an awarded lot, or redrafts it while unsigned."""
    org = acting_organization(request, Organization.Kind.PURCHASER)
    award = get_object_or_404(
        Award.objects.select_related("lot__project", "bid__supplier"),
        pk=award_pk, lot__project__purchaser=org)
    if award.revoked_at is not None:  # no contract is drafted from a revoked award
        messages.error(request, _("This award was revoked: no contract is drafted from it."))
        return redirect("procurement:evaluation", award.lot_id)
    supplier = award.bid.supplier
    existing = Contract.objects.filter(award=award).first()
    if existing is not None and (not CONTRACT.can(existing, "sign")
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
