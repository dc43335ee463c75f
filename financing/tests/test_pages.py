"""Contract financing through the pages: the supplier applies with consent, the bank it
chose — and no other — sees the award and the contract and takes its steps, whose forms
and buttons are those ``steps.APPLICATION`` allows."""

import datetime as dt

import pytest
from django.utils import timezone

from contracts.selectors import collection_account
from financing.models import FinancingApplication, FinancingOffer, Repayment

from .fixtures import ACCOUNT, S, api, apply

pytestmark = pytest.mark.django_db


def test_a_bank_sees_nothing_before_the_supplier_applies_to_it(signed, offer, icbc, ccb,
                                                              ccb_offer, winner_user, client):
    contract, award = signed, signed.award
    _bank, banker = icbc
    client.force_login(banker)
    page = client.get("/financing/bank/")
    assert page.status_code == 200 and list(page.context["applications"]) == []
    for url in (f"/contracts/{contract.pk}/", f"/contracts/{contract.pk}/contract.pdf",
                f"/financing/contracts/{contract.pk}/",
                f"/procurement/awards/{award.pk}/notice.pdf",
                f"/api/financing/contracts/{contract.pk}/"):
        assert client.get(url).status_code == 404, url
    assert api(banker).get("/api/financing/applications/").json()["results"] == []

    # The supplier applies to the other bank: this one still sees nothing of it.
    application = apply(contract, ccb_offer, winner_user, amount="200000")
    assert list(client.get("/financing/bank/").context["applications"]) == []
    for url in (f"/financing/bank/{application.pk}/",
                f"/financing/bank/{application.pk}/contract.pdf",
                f"/financing/bank/{application.pk}/award-notice.pdf",
                f"/api/financing/applications/{application.pk}/",
                f"/api/financing/applications/{application.pk}/contract.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/financing/bank/{application.pk}/decide/",
                       {"decision": "refuse", "reason": "x"}).status_code == 404
    assert api(banker).post(f"/api/financing/applications/{application.pk}/decide/",
                            {"approved": False, "reason": "x"}, format="json"
                            ).status_code == 404
    application.refresh_from_db()
    assert application.status == S.APPLIED
    # The bank applied to sees it — and the contract PDF through it, nothing more.
    other = api(ccb[1])
    assert other.get(f"/api/financing/applications/{application.pk}/").status_code == 200
    assert other.get(f"/contracts/{contract.pk}/").status_code == 404


def test_the_whole_path_through_the_pages(signed, offer, ccb_offer, icbc, ccb, winner_user,
                                          client):
    contract = signed
    bank, banker = icbc
    base = f"/financing/contracts/{contract.pk}/"
    client.force_login(winner_user)
    assert client.get("/financing/").status_code == 200
    page = client.get(base)
    html = page.content.decode()
    assert page.status_code == 200 and "政采贷" in html and "建行政采贷" in html
    assert 'data-testid="consent"' in html and 'name="consent"' in html
    assert contract.supplier.name in str(page.context["apply_form"]["consent"].label)
    assert "350,000.00" in html  # what the offer lends on this contract

    refused = client.post(f"{base}apply/", {"offer": offer.pk, "amount": "300000"})
    assert refused.status_code == 400 and refused.context["apply_form"].errors["consent"]
    assert not FinancingApplication.objects.exists()
    too_much = client.post(f"{base}apply/", {"offer": offer.pk, "amount": "400000",
                                               "consent": "on"})
    assert too_much.status_code == 400 and too_much.context["apply_form"].errors["amount"]
    assert not FinancingApplication.objects.exists()
    done = client.post(f"{base}apply/", {"offer": offer.pk, "amount": "300000",
                                          "consent": "on"})
    assert done.status_code == 302
    application = FinancingApplication.objects.get()
    assert application.bank == bank

    # The other bank still sees nothing; this one sees the award and the contract.
    client.force_login(ccb[1])
    assert client.get(f"/financing/bank/{application.pk}/").status_code == 404
    client.force_login(banker)
    listing = client.get("/financing/bank/")
    assert [a.pk for a in listing.context["applications"]] == [application.pk]
    detail = client.get(f"/financing/bank/{application.pk}/")
    html = detail.content.decode()
    assert contract.number in html and "500,000.00" in html and contract.supplier.name in html
    for url in (f"/financing/bank/{application.pk}/contract.pdf",
                f"/financing/bank/{application.pk}/award-notice.pdf"):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/contracts/{contract.pk}/").status_code == 404

    decide = f"/financing/bank/{application.pk}/decide/"
    no_account = client.post(decide, {"decision": "approve", "rate": "3.45"})
    assert no_account.status_code == 400
    assert no_account.context["decide_form"].errors["collection_account"]
    no_reason = client.post(decide, {"decision": "refuse"})
    assert no_reason.status_code == 400 and no_reason.context["decide_form"].errors["reason"]
    application.refresh_from_db()
    assert application.status == S.APPLIED
    assert client.post(decide, {"decision": "approve", "approved_amount": "300000",
                                "rate": "3.45", "collection_account": ACCOUNT,
                                "collection_bank": bank.name}).status_code == 302
    assert collection_account(contract) == ACCOUNT

    today = timezone.localdate()
    rows = {"schedule-TOTAL_FORMS": "4", "schedule-INITIAL_FORMS": "0",
            "schedule-MIN_NUM_FORMS": "4", "schedule-MAX_NUM_FORMS": "60",
            "amount": "300000", "disbursed_on": today.isoformat()}
    for i in range(2):
        rows[f"schedule-{i}-due_date"] = (today + dt.timedelta(days=90 * (i + 1))).isoformat()
        rows[f"schedule-{i}-amount"] = "150000"
    wrong = client.post(f"/financing/bank/{application.pk}/disburse/",
                        {**rows, "schedule-1-amount": "100000"})
    assert wrong.status_code == 400 and "250,000.00" in wrong.content.decode()
    assert not Repayment.objects.exists()
    assert client.post(f"/financing/bank/{application.pk}/disburse/",
                       rows).status_code == 302
    for repayment in Repayment.objects.order_by("due_date"):
        assert client.post(f"/financing/bank/{application.pk}/repayments/{repayment.pk}/"
                           "repay/").status_code == 302
    application.refresh_from_db()
    assert application.status == S.REPAID

    client.force_login(winner_user)
    page = client.get(base).content.decode()
    assert 'data-testid="repayment-table"' in page and 'data-testid="rate-form"' in page
    rate = f"/financing/applications/{application.pk}/rate/"
    assert client.post(rate, {f"rate{application.pk}-rating": "5",
                              f"rate{application.pk}-comment": "很快"}).status_code == 302
    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (5, "很快")


def test_the_bank_manages_its_offers_on_its_pages(icbc, ccb, winner_user, client, signed):
    bank, banker = icbc
    client.force_login(banker)
    created = client.post("/financing/bank/offers/", {
        "name": "政采贷", "rate": "3.45%起", "max_percent": "70", "term_months": "12",
        "is_active": "on"})
    assert created.status_code == 302
    offer = FinancingOffer.objects.get(bank=bank)
    assert client.post(f"/financing/bank/offers/{offer.pk}/", {
        "name": "政采贷", "rate": "3.40%起", "max_percent": "70",
        "term_months": "12"}).status_code == 302
    offer.refresh_from_db()
    assert (offer.rate, offer.is_active) == ("3.40%起", False)
    client.force_login(ccb[1])
    assert client.get(f"/financing/bank/offers/{offer.pk}/").status_code == 404
    client.force_login(winner_user)
    assert client.get("/financing/bank/offers/").status_code == 404
    assert client.get("/financing/bank/").status_code == 404
