"""Every status change of a contract, an acceptance round and an invoice goes through its
table (contracts.steps) and leaves a row; the page's buttons and the API's ``actions``
read the same table; refusals are recorded by the services, once, whoever called them;
``contract_signed`` is sent after the commit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from contracts import services, steps
from contracts.models import Contract, Invoice
from contracts.signals import contract_signed, payment_recorded
from contracts.tests.fixtures import AWARDED_AT, terms
from core.exceptions import InvalidTransition
from core.models import StatusChange

pytestmark = pytest.mark.django_db

T0 = AWARDED_AT + dt.timedelta(hours=1)
DAY = T0.date()
PDF = b"%PDF-1.7\n%%EOF\n"
C = Contract.Status


def draft(awarded, alice, **overrides):
    return services.contract_draft(award=awarded, actor=alice, now=T0, **terms(**overrides))


def sign_both(contract, alice, winner_user):
    for actor, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=actor, organization=org,
                                          pdf_sha256=contract.pdf_sha256, now=T0)
    return contract


def walked(obj) -> list[tuple[str, str, str]]:
    return [(c.step, c.old, c.new) for c in StatusChange.of(obj)]


def record(acceptance, alice, passed):
    return services.acceptance_record(acceptance=acceptance, actor=alice, passed=passed,
                                      items_checked="60台计算机", members=["李爱丽", "韩雪"],
                                      report="" if passed else "3台显示器有坏点", now=T0)


def invoice(contract, winner_user, amount, number="F1"):
    return services.invoice_submit(contract=contract, actor=winner_user, number=number,
                                   amount=Decimal(amount), issued_on=DAY, file_name="fp.pdf",
                                   file_data=PDF, now=T0)


def pay(contract, alice, amount, invoice=None, voucher="PZ"):
    return services.payment_record(contract=contract, actor=alice, invoice=invoice,
                                   amount=Decimal(amount), paid_on=DAY, voucher=voucher,
                                   now=T0)


def test_the_tables_name_every_status_of_their_models():
    assert steps.CONTRACT.statuses() == set(C.values)
    assert steps.ACCEPTANCE.statuses() == {"pending", "passed", "failed"}
    assert steps.INVOICE.statuses() == set(Invoice.Status.values)


def test_each_step_of_the_contract_its_acceptance_and_its_invoice_leaves_a_row(
        awarded, alice, winner_user):
    contract = draft(awarded, alice)
    assert steps.contract_actions(contract) == ["sign"]
    contract = sign_both(contract, alice, winner_user)
    first = services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    record(first, alice, passed=False)
    second = services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    record(second, alice, passed=True)
    bill = invoice(contract, winner_user, contract.amount)
    pay(contract, alice, "100000", bill, "PZ-1")
    pay(contract, alice, contract.amount - Decimal("100000"), bill, "PZ-2")

    contract.refresh_from_db()
    assert contract.status == C.PAID
    assert walked(contract) == [
        ("sign", "draft", "signing"), ("countersign", "signing", "signed"),
        ("request_acceptance", "signed", "acceptance"),
        ("rectify", "acceptance", "rectifying"),
        ("request_acceptance", "rectifying", "acceptance"),
        ("accept", "acceptance", "accepted"), ("pay", "accepted", "paid")]
    assert [c.actor for c in StatusChange.of(contract)][:2] == [alice, winner_user]
    assert walked(first) == [("fail", "pending", "failed")]
    assert StatusChange.of(first).get().reason == "3台显示器有坏点"
    assert walked(second) == [("pass", "pending", "passed")]
    assert walked(bill) == [("pay_part", "received", "partly_paid"),
                            ("pay", "partly_paid", "paid")]
    assert steps.contract_actions(contract) == []


def test_a_step_the_table_does_not_allow_is_refused_recorded_and_leaves_no_row(
        awarded, alice, winner_user):
    contract = draft(awarded, alice)
    with pytest.raises(InvalidTransition):
        services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    contract.refresh_from_db()
    assert contract.status == C.DRAFT and not StatusChange.of(contract).exists()
    refusal = AuditEvent.objects.get(action="acceptance.request_refused")
    assert refusal.actor == winner_user and refusal.detail["code"] == "invalid_transition"


def test_nobody_signs_while_signing_is_suspended(awarded, alice):
    contract = draft(awarded, alice)
    services.contract_signing_suspend(contract=contract, reason="供应商质疑可能影响中标结果",
                                      now=T0)
    contract.refresh_from_db()
    # "void" is the platform's step when the award is revoked: nobody asks for it.
    assert steps.CONTRACT.actions(contract) == ["sign", "void"]
    assert steps.contract_actions(contract) == []


def test_a_supplement_owed_on_a_paid_contract_reopens_it_where_it_stood(
        awarded, alice, winner_user):
    """Paid in full before acceptance: the confirmed supplement is owed, the contract is
    back to signed (not "accepted", which nobody recorded), and acceptance can follow."""
    contract = sign_both(draft(awarded, alice), alice, winner_user)
    supplement = services.supplement_propose(contract=contract, actor=alice,
                                             amount=Decimal("10000"),
                                             reason="增加同型号计算机2台", now=T0)
    bill = invoice(contract, winner_user, contract.amount)
    pay(contract, alice, contract.amount, bill)
    contract.refresh_from_db()
    assert contract.status == C.PAID
    services.supplement_confirm(supplement=supplement, actor=winner_user, now=T0)
    contract.refresh_from_db()
    assert contract.status == C.SIGNED and contract.outstanding == Decimal("10000")
    assert walked(contract)[-1] == ("reopen_before_acceptance", "paid", "signed")
    assert "request_acceptance" in steps.contract_actions(contract)


def test_an_advance_paying_the_contract_in_full_settles_its_invoices(awarded, alice,
                                                                     winner_user):
    contract = sign_both(draft(awarded, alice, advance_percent=Decimal("40")), alice,
                         winner_user)
    pay(contract, alice, contract.advance_amount, voucher="YF-1")
    bill = invoice(contract, winner_user, contract.amount)
    pay(contract, alice, contract.amount - contract.advance_amount, bill, "PZ-1")
    bill.refresh_from_db()
    # 60 % was paid against it, the advance covered the rest: nothing more is owed.
    assert bill.status == Invoice.Status.PAID and bill.outstanding > 0
    assert walked(bill) == [("pay", "received", "paid")]


def test_the_api_and_the_page_read_their_actions_from_the_tables(awarded, alice,
                                                                 winner_user):
    contract = sign_both(draft(awarded, alice), alice, winner_user)
    acceptance = services.acceptance_request(contract=contract, actor=winner_user, now=T0)
    invoice(contract, winner_user, "1000")
    api = APIClient()
    api.force_login(alice)
    body = api.get(reverse("api:contract-detail", args=[contract.pk])).json()
    assert body["status"] == "acceptance" and body["actions"] == ["accept", "rectify", "pay"]
    assert body["acceptances"][0]["actions"] == ["pass", "fail"]
    assert body["invoices"][0]["actions"] == ["pay_part", "pay"]
    assert body["invoices"][0]["status"] == "received"
    assert body["party"] == "purchaser"
    assert body["allowed"]["record_acceptance"] and body["allowed"]["pay"]
    assert not body["allowed"]["sign"] and not body["allowed"]["invoice"]
    listed = api.get(reverse("api:contract-list")).json()["results"][0]
    assert listed["actions"] == body["actions"]

    page = Client()
    page.force_login(alice)
    html = page.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="acceptance-record-form"' in html
    record(acceptance, alice, passed=True)
    html = page.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="acceptance-record-form"' not in html


def test_refusals_are_recorded_once_whoever_calls(awarded, alice, winner_user):
    contract = draft(awarded, alice)
    api = APIClient()
    api.force_login(alice)
    stale = api.post(reverse("api:contract-sign", args=[contract.pk]), {"pdf_sha256": "0"})
    assert stale.status_code == 400
    page = Client()
    page.force_login(alice)
    refused = page.post(reverse("contracts:sign", args=[contract.pk]), {"pdf_sha256": "0"})
    assert refused.status_code == 400
    events = AuditEvent.objects.filter(action="contract.sign_refused")
    assert events.count() == 2  # one per attempt, API and page alike
    assert {e.detail["code"] for e in events} == {"stale_contract"}
    assert all(e.organization == contract.purchaser for e in events)

    draft_url = reverse("api:contract-draft", args=[awarded.pk])
    api.post(draft_url, {**terms(payment_term=60, payment_term_unit="days"),
                         "delivery_deadline": (dt.date.today() + dt.timedelta(days=30))
                         .isoformat()}, format="json")
    assert AuditEvent.objects.filter(action="contract.draft_refused").count() == 1


def test_contract_signed_is_sent_after_the_commit_once_both_have_signed(
        awarded, alice, winner_user, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, contract, **kwargs):
        heard.append(contract.pk)

    contract_signed.connect(listen, dispatch_uid="test.contract_signed")
    try:
        contract = draft(awarded, alice)
        with django_capture_on_commit_callbacks(execute=True):
            services.contract_sign(contract=contract, actor=alice,
                                   organization=contract.purchaser,
                                   pdf_sha256=contract.pdf_sha256, now=T0)
        assert heard == []
        with django_capture_on_commit_callbacks() as callbacks:
            services.contract_sign(contract=contract, actor=winner_user,
                                   organization=contract.supplier,
                                   pdf_sha256=contract.pdf_sha256, now=T0)
            assert heard == []  # not inside the transaction
        for callback in callbacks:
            callback()
        assert heard == [contract.pk]
    finally:
        contract_signed.disconnect(dispatch_uid="test.contract_signed")


def test_payment_recorded_says_whether_the_contract_is_settled(
        signed, alice, winner_user, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, payment, settled, **kwargs):
        heard.append((payment.amount, settled))

    payment_recorded.connect(listen, dispatch_uid="test.payment_recorded")
    try:
        bill = invoice(signed, winner_user, signed.amount)
        with django_capture_on_commit_callbacks(execute=True):
            pay(signed, alice, "100000", bill, "PZ-1")
            pay(signed, alice, signed.amount - Decimal("100000"), bill, "PZ-2")
    finally:
        payment_recorded.disconnect(dispatch_uid="test.payment_recorded")
    assert heard == [(Decimal("100000.00"), False), (signed.amount - 100000, True)]
