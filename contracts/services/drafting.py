"""Drafting the contract from the award, on the standard template (春风行动 第21条)."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition
from core.money import yuan_in_words
from core.refusals import records_refusals
from procurement import sealing
from procurement.models import Award
from procurement.pdf import render_pdf
from rules.registry import rule

from .. import rules
from ..holds import signing_hold
from ..models import Contract, Milestone
from ..steps import CONTRACT
from .common import tell

SECRET_FIELDS = {
    "unit_prices": _("Unit prices"),
    "delivery_terms": _("Delivery and service terms"),
    "special_terms": _("Special terms"),
    "payee": _("Payee account"),
}


def render_contract(contract: Contract, *, public: bool = False) -> bytes:
    """The contract PDF in Chinese; the public version leaves out the trade secrets."""
    hidden = set(contract.secret_fields) if public else set()
    project = contract.award.lot.project
    with translation.override("zh-hans"):
        return render_pdf("contracts/pdf/contract.html", {
            "c": contract, "project": project, "lot": contract.award.lot,
            "purchaser": contract.purchaser, "supplier": contract.supplier,
            "amount": f"{contract.amount:,.2f}", "amount_zh": yuan_in_words(contract.amount),
            "advance": contract.advance_amount, "hidden": hidden, "public": public,
            "milestones": contract.milestones.all(),
            "term_unit": "个工作日" if contract.payment_term_unit == "workdays" else "日",
            "sign_basis": rule("contract.sign").basis,
            "pay_basis": rule("payment.after_invoice").basis,
            "interest": rule("payment.late_interest").display_value(),
        })


def _store_pdf(contract: Contract) -> None:
    pdf = render_contract(contract)
    contract.pdf_sha256 = sealing.digest(pdf)
    contract.pdf.save(f"{contract.number}.pdf", ContentFile(pdf), save=False)
    contract.save(update_fields=["pdf", "pdf_sha256"])


@records_refusals(action="contract.draft_refused")
@transaction.atomic
def contract_draft(*, award: Award, actor, delivery_place: str, delivery_deadline: dt.date,
                   payment_term: int, payment_term_unit: str = "workdays",
                   payee_name: str, payee_bank: str, payee_account: str,
                   advance_percent: Decimal | None = None, charges: list[dict] = (),
                   delivery_terms: str = "", special_terms: str = "",
                   secret_fields: list[str] = (), milestones: list[dict] = (),
                   acceptance_term: int = 1, now=None, ip=None) -> Contract:
    """Draft (or redraft, before anyone signs) the contract of an awarded lot.

    1. parties, items and amount come from the award — nobody retypes them;
    2. refused with the cited rule: any bond or fee (春风行动 第19条), payment later
       than the profile allows (第18条), an advance below 40 % when chosen (第13条),
       payment conditional on fiscal funds (保障中小企业款项支付条例);
    3. the PDF is rendered from the standard template and its SHA-256 kept: each
       signature is bound to it."""
    now = now or timezone.now()
    award = Award.objects.select_related("lot__project__purchaser", "bid__supplier",
                                         "lot__project__demand").get(pk=award.pk)
    project = award.lot.project
    supplier = award.bid.supplier
    require_role(actor, project.purchaser, *OFFICERS)
    if award.revoked_at is not None:
        raise InvalidTransition(_("This award was revoked: no contract is drafted from it."))
    existing = Contract.objects.select_for_update().filter(award=award).first()
    # Redrafting is for a contract nobody has signed: one whose first signature is
    # still to come.
    if existing is not None and (not CONTRACT.can(existing, "sign")
                                 or existing.signatures.exists()):
        raise InvalidTransition(_("A contract signed by either party cannot be redrafted."))
    if existing is not None and existing.suspended_reason:
        raise InvalidTransition(_("Signing is suspended: %(reason)s"),
                                params={"reason": existing.suspended_reason})
    rules.check_charges(list(charges), amount=award.amount)
    rules.check_payment_term(term=payment_term, unit=payment_term_unit, supplier=supplier,
                             now=now)
    rules.check_advance(advance_percent)
    rules.check_terms_text(special_terms, delivery_terms)
    unknown = set(secret_fields) - set(SECRET_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field marked as trade secret."), field="secret_fields")
    for text, field in ((delivery_place, "delivery_place"), (payee_name, "payee_name"),
                        (payee_bank, "payee_bank"), (payee_account, "payee_account")):
        if not (text or "").strip():
            raise DomainError(_("This field is required."), field=field)
    if delivery_deadline < timezone.localdate(now):
        raise DomainError(_("The delivery date is in the past."), field="delivery_deadline")
    payload = (award.bid.opened_payload or {})
    unit_prices = {line["item"]: line["unit_price"] for line in payload.get("lines") or []}
    items = [{"name": i.name, "quantity": f"{i.quantity.normalize():f}", "unit": i.unit,
              "specification": i.specification, "unit_price": unit_prices.get(i.name, ""),
              "brand": payload.get("brand", "") if i.is_core else "",
              "model": payload.get("model", "") if i.is_core else ""}
             for i in award.lot.items.all()]
    values = dict(
        title=f"{project.title}第{award.lot.number}包政府采购合同", purchaser=project.purchaser,
        supplier=supplier, amount=award.amount, total_amount=award.amount, items=items,
        delivery_place=delivery_place.strip(), delivery_deadline=delivery_deadline,
        delivery_terms=delivery_terms.strip(), payment_term=payment_term,
        payment_term_unit=payment_term_unit, acceptance_term=acceptance_term,
        advance_percent=advance_percent,
        charges=[{"kind": c["kind"], "percent": str(c.get("percent") or 0)} for c in charges],
        special_terms=special_terms.strip(), secret_fields=sorted(set(secret_fields)),
        payee_name=payee_name.strip(), payee_bank=payee_bank.strip(),
        payee_account=payee_account.strip(), drafted_by=actor, drafted_at=now)
    if existing is None:
        # A challenge marked as possibly changing the result before this draft holds
        # signing (条例 第54条): the contract is drafted suspended, its clock paused.
        contract = Contract.objects.create(
            award=award, number=f"{project.code}-{award.lot.number:02d}-HT",
            suspended_reason=signing_hold(award), **values)
    else:
        contract = existing
        for key, value in values.items():
            setattr(contract, key, value)
        contract.save()
        contract.milestones.all().delete()
    for m in milestones:
        Milestone.objects.create(contract=contract, title=m["title"], due_date=m["due_date"])
    _store_pdf(contract)
    audit_record(action="contract.draft", actor=actor, organization=project.purchaser,
                 obj=contract, detail={"amount": contract.amount, "sha256": contract.pdf_sha256,
                                       "redraft": existing is not None}, ip=ip, now=now)
    tell(contract, supplier, key=f"draft:{contract.pdf_sha256[:12]}", now=now,
         subject=f"{contract.title}待签订",
         body=f"采购人已起草“{contract.title}”，金额{contract.amount:,.2f}元，"
              "请登录平台核对并在线签订。")
    return contract
