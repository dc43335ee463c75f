"""The contract factory leaves what drafting and signing would have left: the services
take a factory's contract where they would take their own, and a signed one reads the
same either way. The comparison runs the services once beside the factory."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from contracts import services
from contracts.models import Contract
from contracts.selectors import ledger_of
from contracts.tests.factories import ConfirmedAwardFactory, ContractFactory
from contracts.tests.fixtures import SIGNED_AT, terms
from core.exceptions import DomainError
from deadlines.models import Deadline
from procurement.tests.factories import opened_lot

pytestmark = pytest.mark.django_db


def shape(contract: Contract) -> dict:
    contract = Contract.objects.get(pk=contract.pk)
    # Each subject by its type and id: a contract's id number may be another award's.
    subjects = Q(subject_type=ContentType.objects.get_for_model(Contract),
                 subject_id=str(contract.pk)) | Q(
        subject_type=ContentType.objects.get_for_model(contract.award),
        subject_id=str(contract.award_id))
    return {
        "status": contract.status, "amount": contract.amount,
        "total": contract.total_amount, "items": contract.items,
        "signed_at": contract.signed_at, "parties": sorted(
            (s.party, s.pdf_sha256 == contract.pdf_sha256, s.signed_at)
            for s in contract.signatures.all()),
        "clocks": sorted((c.clock, c.status, c.due_at) for c in Deadline.objects.filter(
            subjects, clock__startswith="contract.")),
        "pdf": (len(contract.pdf_sha256), bool(contract.pdf)),
        "terms": (contract.delivery_place, contract.delivery_deadline, contract.payment_term,
                  contract.payment_term_unit, contract.payee_account),
    }


def test_a_signed_contract_reads_the_same_built_either_way(awarded, signed, alice,
                                                           winner_user, purchaser_org):
    lot = opened_lot(project__purchaser=purchaser_org)
    other = ConfirmedAwardFactory(lot=lot, confirmed_by=alice)
    contract = services.contract_draft(award=other, actor=alice, now=SIGNED_AT, **terms())
    for actor, org in ((alice, contract.purchaser), (other.bid.supplier.memberships.get().user,
                                                     contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=actor, organization=org,
                                          pdf_sha256=contract.pdf_sha256, now=SIGNED_AT)
    assert shape(signed) == shape(contract)
    assert signed.signatures.get(party="supplier").user == winner_user


def test_the_services_take_a_factory_drafted_contract(alice, winner_user, awarded):
    contract = ContractFactory(award=awarded, drafted_by=alice)
    assert contract.status == "draft" and not contract.signatures.exists()
    for actor, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=actor, organization=org,
                                          pdf_sha256=contract.pdf_sha256, now=SIGNED_AT)
    assert contract.status == "signed"
    assert Deadline.objects.get(clock="contract.sign").status == "met"


def test_the_award_under_a_contract_was_delivered_to_the_ledger():
    contract = ContractFactory()
    row = ledger_of(organization=contract.purchaser).get(award=contract.award)
    assert row.status == "draft" and row.contract_number == contract.number


def test_a_paid_contract_has_its_acceptance_invoice_payment_and_clocks():
    contract = ContractFactory(paid=True)
    assert contract.paid_total == contract.amount == Decimal("500000.00")
    assert contract.acceptances.get().result == "passed"
    invoice = contract.invoices.get()
    assert invoice.status == "paid" and invoice.payments.get().amount == contract.amount
    running = Deadline.objects.filter(status__in=["open", "overdue"]).values_list("clock",
                                                                                   flat=True)
    assert set(running) == {"contract.publish", "contract.file"}
    row = ledger_of(organization=contract.purchaser).get(award=contract.award)
    assert (row.status, row.paid_total) == ("paid", contract.amount)
    with pytest.raises(DomainError):  # the services read what is paid
        services.payment_record(contract=contract, actor=contract.drafted_by,
                                invoice=invoice, amount=Decimal("1"),
                                paid_on=SIGNED_AT.date(), voucher="PZ-2", now=SIGNED_AT)


def test_the_services_carry_on_from_an_accepted_contract(alice):
    contract = ContractFactory(accepted=True)
    supplier = contract.signatures.get(party="supplier").user
    invoice = services.invoice_submit(contract=contract, actor=supplier, number="F9",
                                      amount=contract.amount, issued_on=SIGNED_AT.date(),
                                      file_name="fp.pdf", file_data=b"%PDF-1.7\n%%EOF\n",
                                      now=SIGNED_AT)
    services.payment_record(contract=contract, actor=contract.drafted_by, invoice=invoice,
                            amount=contract.amount, paid_on=SIGNED_AT.date(),
                            voucher="PZ-1", now=SIGNED_AT)
    contract.refresh_from_db()
    assert contract.status == "paid"


def test_a_rendered_contract_carries_the_real_template():
    import subprocess

    contract = ContractFactory(rendered=True)
    text = subprocess.run(["pdftotext", contract.pdf.path, "-"], capture_output=True,
                          text=True).stdout
    assert contract.supplier.name in text and "伍拾万" in text
