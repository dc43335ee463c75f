"""The contract pages: draft → both sign → publish → file → acceptance → invoice → paid,
each step through its service; refusals re-render the form with the error, its basis and
what was typed (400); outsiders get 404."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from contracts import services
from contracts.models import Contract, Invoice
from contracts.tests.fixtures import award_lot, terms

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"
SHOP = "许昌市魏都区第一实验学校"


@pytest.fixture
def awarded(opened, alice, django_capture_on_commit_callbacks):
    """The awarded lot, its events delivered as after the award's commit (the ledger)."""
    with django_capture_on_commit_callbacks(execute=True):
        return award_lot(opened[0], alice)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def day(offset=0) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def draft_data(**overrides):
    """The draft form as a browser posts it, with dates valid today."""
    data = {
        "delivery_place": SHOP, "delivery_deadline": day(30), "delivery_terms": "",
        "payment_term": "2", "payment_term_unit": "workdays", "acceptance_term": "1",
        "advance_percent": "", "performance_bond_percent": "", "quality_deposit_percent": "",
        "fee_percent": "", "special_terms": "", "secret_fields": ["unit_prices", "payee"],
        "payee_name": "投标人0", "payee_bank": "许昌银行魏都支行",
        "payee_account": "6230000000000001",
        "milestones-TOTAL_FORMS": "3", "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "3", "milestones-MAX_NUM_FORMS": "12",
        "milestones-0-title": "到货安装", "milestones-0-due_date": day(20),
        "milestones-1-title": "", "milestones-1-due_date": "",
        "milestones-2-title": "", "milestones-2-due_date": "",
    }
    data.update(overrides)
    return data


def page(response) -> str:
    return response.content.decode()


def test_the_contract_runs_through_the_pages(awarded, alice, winner_user, charlie):
    purchaser, supplier = client_for(alice), client_for(winner_user)
    draft_url = reverse("contracts:draft", args=[awarded.pk])

    # The evaluation page leads the purchaser to the draft; the hint is higher for an SME.
    evaluation = page(purchaser.get(reverse("procurement:evaluation", args=[awarded.lot_id])))
    assert f'href="{draft_url}"' in evaluation
    form = page(purchaser.get(draft_url))
    assert 'data-testid="draft-form"' in form
    assert "50" in form.split('data-testid="advance-hint"')[1][:200]

    response = purchaser.post(draft_url, draft_data(), follow=True)
    contract = Contract.objects.get(award=awarded)
    assert response.redirect_chain[-1][0] == contract.get_absolute_url()
    assert contract.secret_fields == ["payee", "unit_prices"]
    assert [m.title for m in contract.milestones.all()] == ["到货安装"]
    detail = page(response)
    assert contract.pdf_sha256 in detail and 'data-testid="sign-form"' in detail
    assert 'class="alert alert-success' in detail  # the message after the step

    # Outsiders: 404 everywhere, and the list does not show it.
    stranger = client_for(charlie)
    for url in (contract.get_absolute_url(), reverse("contracts:pdf", args=[contract.pk]),
                draft_url):
        assert stranger.get(url).status_code == 404
    assert stranger.post(reverse("contracts:sign", args=[contract.pk]),
                         {"pdf_sha256": contract.pdf_sha256}).status_code == 404
    assert contract.number not in page(stranger.get(reverse("contracts:list")))
    assert stranger.get(reverse("contracts:ledger")).status_code == 404

    # The PDF for the parties; a stale hash is refused and nothing is signed.
    pdf = purchaser.get(reverse("contracts:pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    stale = purchaser.post(reverse("contracts:sign", args=[contract.pk]),
                           {"pdf_sha256": "0" * 64})
    assert stale.status_code == 400 and 'data-testid="sign-errors"' in page(stale)
    assert not contract.signatures.exists()
    for client in (purchaser, supplier):
        response = client.post(reverse("contracts:sign", args=[contract.pk]),
                               {"pdf_sha256": contract.pdf_sha256})
        assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    # Signed: the draft page sends the purchaser back to the contract.
    assert purchaser.get(draft_url).status_code == 302

    # Publication (the public PDF for anyone then) and filing.
    public_url = reverse("contracts:public-pdf", args=[contract.pk])
    assert Client().get(public_url).status_code == 404
    assert supplier.post(reverse("contracts:publish", args=[contract.pk])).status_code == 400
    assert purchaser.post(reverse("contracts:publish", args=[contract.pk])).status_code == 302
    assert Client().get(public_url).status_code == 200
    assert purchaser.post(reverse("contracts:file", args=[contract.pk])).status_code == 302
    contract.refresh_from_db()
    assert contract.published_at and contract.filed_at

    # The supplier reports the milestone and asks for acceptance.
    milestone = contract.milestones.get()
    supplier.post(reverse("contracts:milestone-done", args=[contract.pk]),
                  {"milestone": milestone.pk, "note": "60台已到货"})
    milestone.refresh_from_db()
    assert milestone.done_at and milestone.note == "60台已到货"
    supplier.post(reverse("contracts:acceptance-request", args=[contract.pk]),
                  {"note": "已全部交付安装"})
    acceptance = contract.acceptances.get()
    detail = page(purchaser.get(contract.get_absolute_url()))
    assert 'data-testid="acceptance-record-form"' in detail
    assert 'data-testid="clock-acceptance.organise"' in detail

    # One member only: refused next to the field, the typed text kept.
    record_url = reverse("contracts:acceptance-record", args=[contract.pk])
    record = {"acceptance": acceptance.pk, "result": "passed", "items_checked": "60台计算机",
              "members": "李爱丽", "report": ""}
    refused = purchaser.post(record_url, record)
    assert refused.status_code == 400
    assert 'data-testid="error-members"' in page(refused) and "60台计算机" in page(refused)
    purchaser.post(record_url, {**record, "members": "李爱丽\n韩雪"})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACCEPTED

    # The invoice, uploaded by the supplier; the payment, recorded by the purchaser.
    supplier.post(reverse("contracts:invoice-submit", args=[contract.pk]), {
        "number": "No.0001", "amount": str(contract.amount), "issued_on": day(),
        "file": SimpleUploadedFile("fapiao.pdf", PDF, content_type="application/pdf")})
    invoice = Invoice.objects.get(contract=contract)
    detail = page(purchaser.get(contract.get_absolute_url()))
    assert 'data-testid="interest-No.0001"' in detail  # an SME: late interest shown
    assert 'data-testid="payment-form"' in detail and "6230000000000001" in detail
    payment_url = reverse("contracts:payment-record", args=[contract.pk])
    payment = {"invoice": invoice.pk, "amount": str(contract.amount), "paid_on": day(),
               "voucher": "PZ-0001", "payee_account": "6230000000009999"}
    wrong = purchaser.post(payment_url, payment)
    assert wrong.status_code == 400 and 'data-testid="error-payee_account"' in page(wrong)
    assert "PZ-0001" in page(wrong)  # what was typed is still there
    assert AuditEvent.objects.filter(action="payment.refused").exists()
    response = purchaser.post(payment_url, {**payment, "payee_account": "6230000000000001"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PAID and contract.paid_total == contract.amount

    # The ledger and its CSV (with a BOM, so Excel reads the Chinese).
    ledger = page(purchaser.get(reverse("contracts:ledger")))
    assert contract.number in ledger
    csv = purchaser.get(reverse("contracts:ledger"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    row = next(line for line in text.splitlines() if contract.number in line)
    assert awarded.lot.project.code in row and str(contract.amount) in row
    assert "已全额付款" in row or "Paid in full" in row


def test_a_refused_draft_keeps_what_was_typed_and_saves_nothing(awarded, alice):
    purchaser = client_for(alice)
    url = reverse("contracts:draft", args=[awarded.pk])
    response = purchaser.post(url, draft_data(payment_term="60", payment_term_unit="days",
                                              special_terms="货到验收合格后付款"))
    assert response.status_code == 400
    html = page(response)
    assert 'data-testid="error-payment_term"' in html and "春风行动 第18条" in html
    assert SHOP in html and "货到验收合格后付款" in html and 'value="60"' in html
    assert "到货安装" in html  # the milestone rows too
    assert not Contract.objects.exists()
    assert AuditEvent.objects.filter(action="contract.draft_refused").exists()

    # A bond is refused next to the bond, with its basis.
    response = purchaser.post(url, draft_data(performance_bond_percent="5"))
    assert response.status_code == 400
    html = page(response)
    assert 'data-testid="error-performance_bond_percent"' in html
    assert "春风行动 第19条" in html
    assert not Contract.objects.exists()


def test_redraft_while_unsigned_then_signing_binds_to_the_new_pdf(awarded, alice,
                                                                   winner_user):
    purchaser = client_for(alice)
    url = reverse("contracts:draft", args=[awarded.pk])
    purchaser.post(url, draft_data())
    first = Contract.objects.get().pdf_sha256
    form = page(purchaser.get(url))
    assert SHOP in form  # starts from the current terms
    purchaser.post(url, draft_data(delivery_place="许昌市魏都区第二实验学校"))
    contract = Contract.objects.get()
    assert contract.pdf_sha256 != first and contract.delivery_place.endswith("第二实验学校")
    stale = client_for(winner_user).post(reverse("contracts:sign", args=[contract.pk]),
                                         {"pdf_sha256": first})
    assert stale.status_code == 400 and not contract.signatures.exists()


def test_suspension_supplements_and_the_supervisors_view(awarded, alice, winner_user,
                                                         supervisor):
    contract = services.contract_draft(award=awarded, actor=alice,
                                       **terms(delivery_deadline=timezone.localdate()
                                               + dt.timedelta(days=30)))
    purchaser, supplier = client_for(alice), client_for(winner_user)
    suspend = reverse("contracts:suspend", args=[contract.pk])
    refused = supplier.post(suspend, {"reason": "供应商质疑可能影响中标结果"})
    assert refused.status_code == 400
    contract.refresh_from_db()
    assert not contract.suspended_reason
    assert purchaser.post(suspend, {"reason": "供应商质疑可能影响中标结果"}).status_code == 302
    blocked = supplier.post(reverse("contracts:sign", args=[contract.pk]),
                            {"pdf_sha256": contract.pdf_sha256})
    assert blocked.status_code == 400 and "条例 第54条" in page(blocked)
    finance = client_for(supervisor)
    assert finance.post(reverse("contracts:resume", args=[contract.pk])).status_code == 302
    for client in (purchaser, supplier):
        client.post(reverse("contracts:sign", args=[contract.pk]),
                    {"pdf_sha256": contract.pdf_sha256})

    propose = reverse("contracts:supplement-propose", args=[contract.pk])
    too_much = purchaser.post(propose, {"amount": str(contract.amount), "reason": "增加计算机"})
    assert too_much.status_code == 400 and "法 第49条" in page(too_much)
    purchaser.post(propose, {"amount": "10000", "reason": "增加同型号计算机2台"})
    supplement = contract.supplements.get()
    supplier.post(reverse("contracts:supplement-confirm", args=[contract.pk]),
                  {"supplement": supplement.pk})
    contract.refresh_from_db()
    assert contract.total_amount == contract.amount + 10000

    # Supervision reads every contract and every ledger, and acts on none of the parties'.
    assert contract.number in page(finance.get(reverse("contracts:list")))
    assert contract.number in page(finance.get(reverse("contracts:ledger")))
    detail = page(finance.get(contract.get_absolute_url()))
    assert 'data-testid="sign-form"' not in detail and 'data-testid="payment-form"' not in detail
    assert page(finance.get(reverse("contracts:list"), {"status": "draft"})).count(
        contract.number) == 0


def duplicate_ids(html: str) -> list[str]:
    from collections import Counter

    return sorted(k for k, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1)


def test_no_two_inputs_on_the_contract_page_share_an_id(awarded, alice, winner_user):
    """Each party's page holds many step forms at once, some repeated per row (labels
    point at their own input; the browser test's locators stay unambiguous)."""
    soon = timezone.localdate() + dt.timedelta(days=10)
    contract = services.contract_draft(
        award=awarded, actor=alice, **terms(delivery_deadline=soon, milestones=[
            {"title": "到货", "due_date": soon}, {"title": "安装调试", "due_date": soon}]))
    for user, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=user, organization=org,
                                          pdf_sha256=contract.pdf_sha256)
    services.supplement_propose(contract=contract, actor=alice, amount=1000,
                                reason="增加同型号计算机1台")
    for user in (alice, winner_user):
        html = page(client_for(user).get(contract.get_absolute_url()))
        assert 'id="id_payment_amount"' in html or 'id="id_milestonedone' in html
        assert duplicate_ids(html) == []


def test_the_winner_sees_the_signing_clock_it_shares_with_the_purchaser(awarded, winner_user,
                                                                        opened):
    """The signing clock is carried by the purchaser but names the winner's staff: they see
    it on their workspace, in their deadline list and through the API; a losing bidder
    does not."""
    from deadlines.models import Deadline

    clock = Deadline.objects.get(clock="contract.sign")
    assert clock.organization == awarded.lot.project.purchaser
    winner = client_for(winner_user)
    for url in (reverse("workspaces:supplier"), reverse("deadlines:deadline-list")):
        assert awarded.lot.project.code in page(winner.get(url))
    detail_url = reverse("deadlines:deadline-detail", args=[clock.pk])
    assert winner.get(detail_url).status_code == 200
    listed = winner.get("/api/deadlines/").json()
    assert [d["id"] for d in listed["results"]] == [clock.pk]

    _lot, bidders = opened
    loser = next(b for b in bidders if b != awarded.bid.supplier).memberships.get().user
    other = client_for(loser)
    assert awarded.lot.project.code not in page(other.get(reverse("deadlines:deadline-list")))
    assert other.get(reverse("deadlines:deadline-detail", args=[clock.pk])).status_code == 404
    assert other.get("/api/deadlines/").json()["results"] == []


def task_link(client, deadline) -> str:
    html = page(client.get(reverse("deadlines:deadline-detail", args=[deadline.pk])))
    return re.search(r'href="([^"]+)" data-testid="task-link"', html).group(1)


def test_each_clock_leads_its_people_to_where_they_act(awarded, alice, winner_user):
    """From the reminder (which links to the clock) to the page where the duty is done."""
    from deadlines import services as clocks
    from deadlines.models import Deadline
    from notifications.models import Message

    sign = Deadline.objects.get(clock="contract.sign")
    purchaser, supplier = client_for(alice), client_for(winner_user)
    # Not drafted yet: the purchaser drafts; the winner waits on its contract list.
    assert task_link(purchaser, sign) == reverse("contracts:draft", args=[awarded.pk])
    assert task_link(supplier, sign) == reverse("contracts:list")
    clocks.deadlines_sweep(now=sign.due_at - dt.timedelta(hours=2))
    reminder = Message.objects.filter(category="deadline.reminder", recipient=winner_user,
                                      channel="inapp").first()
    assert reminder.link == reverse("deadlines:deadline-detail", args=[sign.pk])

    contract = services.contract_draft(award=awarded, actor=alice, **terms(
        delivery_deadline=timezone.localdate() + dt.timedelta(days=30)))
    for client in (purchaser, supplier):
        assert task_link(client, sign) == contract.get_absolute_url()
    for user, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract = services.contract_sign(contract=contract, actor=user, organization=org,
                                          pdf_sha256=contract.pdf_sha256)
    publish = Deadline.objects.get(clock="contract.publish")
    assert task_link(purchaser, publish) == contract.get_absolute_url()
    confirm = Deadline.objects.get(clock="award.confirm")
    assert task_link(purchaser, confirm) == reverse("procurement:evaluation",
                                                    args=[awarded.lot_id])
