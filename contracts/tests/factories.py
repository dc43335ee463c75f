"""factory_boy factories for contracts, with the states the services reach.

``ContractFactory()`` is a drafted contract on a factory-built award (``procurement``'s
``AwardFactory``, its ``award_confirmed`` delivered as after the award's commit, so the
ledger row and the winner's financing offers are there); traits take it further:

- ``signing``: the purchaser has signed; ``signed``: both have, the signing clock is
  met and the publication and filing clocks run;
- ``accepted``: signed, and an acceptance round passed (its clock opened and met);
- ``paid``: accepted, one invoice for the whole amount paid by one payment (the
  payment clock opened and met), ``paid_total`` the amount.

Rows are written directly, as the services would have left them; clocks go through
``deadlines.services`` (their due times are the rules' and the calendar's). The PDF is
a small valid one with its SHA-256 (signatures bind to it); ``rendered=True`` renders
the real template (``services.drafting.render_contract``) for a test that reads it.
"""

import datetime as dt
import logging

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from accounts.models import Membership
from contracts.models import Acceptance, Contract, Invoice, Payment, Signature
from deadlines.clock import compute_due
from procurement import sealing
from procurement.models import Award
from procurement.signals import award_confirmed
from procurement.tests.factories import AWARDED_AT, AwardFactory, simple_pdf, staff_of
from rules.registry import rule

logger = logging.getLogger(__name__)

C = Contract.Status
SIGNED_AT = AWARDED_AT + dt.timedelta(hours=1)
INVOICE_FILE = b"%PDF-1.7\n%%EOF\n"
SIGNED_OR_LATER = {C.SIGNED, C.ACCEPTANCE, C.RECTIFYING, C.ACCEPTED, C.PAID}
ACCEPTED_OR_LATER = {C.ACCEPTED, C.PAID}


def deliver_award_confirmed(award: Award) -> None:
    """What the award's commit sets off (``core.events``): ``award_confirmed`` to its
    receivers — the ledger row, the banks' offers to the winner. A receiver that fails
    is logged and the others still run, as after a real commit."""
    for receiver, result in award_confirmed.send_robust(sender=Award, award=award):
        if isinstance(result, Exception):
            logger.error("Receiver %r of award_confirmed failed", receiver,
                         exc_info=(type(result), result, result.__traceback__))


class ConfirmedAwardFactory(AwardFactory):
    """An award whose ``award_confirmed`` has been delivered (as after its commit)."""

    class Meta:
        model = Award

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        award = super()._create(model_class, *args, **kwargs)
        deliver_award_confirmed(award)
        return award


def contract_items(award: Award) -> list[dict]:
    """The items as ``contract_draft`` copies them from the award (nobody retypes them)."""
    payload = award.bid.opened_payload or {}
    unit_prices = {line["item"]: line["unit_price"] for line in payload.get("lines") or []}
    return [{"name": i.name, "quantity": f"{i.quantity.normalize():f}", "unit": i.unit,
             "specification": i.specification, "unit_price": unit_prices.get(i.name, ""),
             "brand": payload.get("brand", "") if i.is_core else "",
             "model": payload.get("model", "") if i.is_core else ""}
            for i in award.lot.items.all()]


class ContractFactory(DjangoModelFactory):
    """The contract of an awarded lot on the fixtures' terms (``fixtures.terms``):
    delivered to the school by 30 April 2026, paid 2 working days after the invoice,
    into the winner's account. Drafted an hour after the award by whoever confirmed
    it; signed (``signed_at``) when drafted unless told otherwise."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    class Params:
        signing = factory.Trait(status=C.SIGNING)
        signed = factory.Trait(status=C.SIGNED,
                               signed_at=factory.SelfAttribute("drafted_at"))
        accepted = factory.Trait(status=C.ACCEPTED,
                                 signed_at=factory.SelfAttribute("drafted_at"),
                                 accepted_at=factory.SelfAttribute("drafted_at"))
        paid = factory.Trait(status=C.PAID, signed_at=factory.SelfAttribute("drafted_at"),
                             accepted_at=factory.SelfAttribute("drafted_at"),
                             paid_at=factory.SelfAttribute("drafted_at"),
                             paid_total=factory.SelfAttribute("total_amount"))

    award = factory.SubFactory(ConfirmedAwardFactory)
    rendered = False  # taken out in _create: not a column
    number = factory.LazyAttribute(
        lambda o: f"{o.award.lot.project.code}-{o.award.lot.number:02d}-HT")
    title = factory.LazyAttribute(
        lambda o: f"{o.award.lot.project.title}第{o.award.lot.number}包政府采购合同")
    purchaser = factory.LazyAttribute(lambda o: o.award.lot.project.purchaser)
    supplier = factory.LazyAttribute(lambda o: o.award.bid.supplier)
    status = C.DRAFT
    amount = factory.SelfAttribute("award.amount")
    total_amount = factory.SelfAttribute("amount")
    items = factory.LazyAttribute(lambda o: contract_items(o.award))
    delivery_place = "许昌市魏都区第一实验学校"
    delivery_deadline = dt.date(2026, 4, 30)
    payment_term = 2
    payment_term_unit = Contract.TermUnit.WORKDAYS
    payee_name = factory.LazyAttribute(lambda o: o.supplier.name)
    payee_bank = "许昌银行魏都支行"
    payee_account = "6230000000000001"
    drafted_by = factory.LazyAttribute(lambda o: o.award.confirmed_by)
    drafted_at = factory.LazyAttribute(lambda o: o.award.confirmed_at + dt.timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, rendered=False, **kwargs):
        contract = super()._create(model_class, *args, **kwargs)
        if rendered:
            from contracts.services.drafting import render_contract

            pdf = render_contract(contract)
        else:
            pdf = simple_pdf(f"{contract.number} contract")
        contract.pdf_sha256 = sealing.digest(pdf)
        contract.pdf.save(f"{contract.number}.pdf", ContentFile(pdf), save=False)
        contract.save(update_fields=["pdf", "pdf_sha256"])
        return contract

    @factory.post_generation
    def signatures(contract, create, extracted, **kwargs):
        """The purchaser's signature once signing started (by ``drafted_by``), the
        supplier's too once signed (by one of its officers), both bound to the PDF;
        and the clocks as the countersignature leaves them."""
        if not create or contract.status == C.DRAFT:
            return
        at = contract.signed_at or contract.drafted_at
        Signature.objects.create(contract=contract, party=Signature.Party.PURCHASER,
                                 organization=contract.purchaser, user=contract.drafted_by,
                                 pdf_sha256=contract.pdf_sha256, signed_at=at)
        if contract.status not in SIGNED_OR_LATER:
            return
        from deadlines.services import deadline_meet, deadline_open

        Signature.objects.create(
            contract=contract, party=Signature.Party.SUPPLIER, organization=contract.supplier,
            user=staff_of(contract.supplier, Membership.Role.OFFICER, Membership.Role.ADMIN),
            pdf_sha256=contract.pdf_sha256, signed_at=at)
        deadline_meet(subject=contract.award, clock="contract.sign", at=at, now=at)
        for clock in ("contract.publish", "contract.file"):
            deadline_open(subject=contract, clock=clock, organization=contract.purchaser,
                          start=at, now=at)

    @factory.post_generation
    def acceptance(contract, create, extracted, **kwargs):
        """A passed acceptance round, requested and recorded at ``accepted_at``."""
        if not create or contract.status not in ACCEPTED_OR_LATER:
            return
        from deadlines.services import deadline_meet, deadline_open

        at = contract.accepted_at
        round_ = Acceptance.objects.create(
            contract=contract, requested_by=staff_of(contract.supplier,
                                                     Membership.Role.OFFICER,
                                                     Membership.Role.ADMIN),
            requested_at=at, result=Acceptance.Result.PASSED, recorded_by=contract.drafted_by,
            accepted_on=at, items_checked="60台计算机", members=["李爱丽", "韩雪"])
        due_at = None  # the profile's time, or the contract's where it leaves it open
        if rule("acceptance.organise").amount is None:
            due_at = compute_due(start=at, amount=contract.acceptance_term,
                                 unit="workdays").at
        deadline_open(subject=round_, clock="acceptance.organise",
                      organization=contract.purchaser, start=at, now=at, due_at=due_at)
        deadline_meet(subject=round_, clock="acceptance.organise", at=at, now=at)

    @factory.post_generation
    def payment(contract, create, extracted, **kwargs):
        """One invoice for the whole amount and its payment, at ``paid_at``."""
        if not create or contract.status != C.PAID:
            return
        from deadlines.services import deadline_meet, deadline_open

        at = contract.paid_at
        invoice = Invoice(contract=contract, number="F1", amount=contract.total_amount,
                          issued_on=at.date(), file_name="fp.pdf",
                          file_sha256=sealing.digest(INVOICE_FILE), received_at=at,
                          submitted_by=staff_of(contract.supplier, Membership.Role.OFFICER,
                                                Membership.Role.ADMIN),
                          paid_total=contract.total_amount, status=Invoice.Status.PAID)
        invoice.save()
        invoice.file.save("invoice.pdf", ContentFile(INVOICE_FILE), save=False)
        invoice.save(update_fields=["file"])
        Payment.objects.create(contract=contract, invoice=invoice, kind=Payment.Kind.INVOICE,
                               amount=contract.total_amount, paid_on=at.date(), voucher="PZ-1",
                               payee_account=contract.payee_account,
                               recorded_by=contract.drafted_by, recorded_at=at)
        deadline_open(subject=invoice, clock="payment.after_invoice",
                      organization=contract.purchaser, start=at, now=at)
        deadline_meet(subject=invoice, clock="payment.after_invoice", at=at, now=at)


