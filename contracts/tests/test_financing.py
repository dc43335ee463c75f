"""Contract financing (春风行动 第26条): offers reach the winner with the award; the
supplier applies to one bank with its consent; that bank — and no other — sees the award
and the contract, decides, disburses on a schedule and records the repayments; payments
go to the collection account while the loan is live; the supplier rates the service.
Through the services, the pages and the API; refusals change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from audit.models import AuditEvent
from contracts import api_urls_financing
from contracts import services as contract_services
from contracts.models import FinancingApplication, FinancingOffer, Repayment
from contracts.selectors import financing_offers_for
from contracts.services import financing as services
from contracts.services.payments import collection_account
from contracts.tests.fixtures import AWARDED_AT, award_lot, terms
from core.exceptions import DomainError, InvalidTransition, PermissionDenied
from notifications.models import Message

pytestmark = pytest.mark.django_db

T0 = AWARDED_AT + dt.timedelta(hours=1)
S = FinancingApplication.Status
ACCOUNT = "9558801702000123456"  # the collection account agreed with the bank


# --- actors and the contract -------------------------------------------------------------

def bank_with_staff(name, username):
    bank = OrganizationFactory(name=name, kind=Organization.Kind.BANK)
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=bank, role=Membership.Role.OFFICER)
    return bank, user


@pytest.fixture
def icbc():
    return bank_with_staff("中国工商银行许昌魏都支行", "icbc")


@pytest.fixture
def ccb():
    """Another bank: it must never see what was not applied to it."""
    return bank_with_staff("中国建设银行许昌魏都支行", "ccb")


def save_offer(bank, user, name="政采贷", percent="70", **kw):
    return services.financing_offer_save(bank=bank, actor=user, name=name, rate="3.45%起",
                                         max_percent=Decimal(percent), term_months=12,
                                         description="凭政府采购合同申请", now=T0, **kw)


@pytest.fixture
def offer(icbc):
    return save_offer(*icbc)


@pytest.fixture
def ccb_offer(ccb):
    return save_offer(*ccb, name="建行政采贷", percent="60")


def apply(contract, offer, user, amount="300000", **kw):
    return services.financing_apply(contract=contract, bank=offer.bank, offer=offer,
                                    amount=Decimal(amount), actor=user, now=T0, **kw)


def approve(application, user, account=ACCOUNT, **kw):
    kw = {"approved_amount": Decimal("300000"), "rate": Decimal("3.45"),
          "collection_bank": "中国工商银行许昌魏都支行", "now": T0, **kw}
    return services.financing_decide(application=application, actor=user, approved=True,
                                     collection_account=account, **kw)


SCHEDULE = [{"due_date": dt.date(2026, 6, 30), "amount": Decimal("100000")},
            {"due_date": dt.date(2026, 9, 30), "amount": Decimal("100000")},
            {"due_date": dt.date(2026, 12, 31), "amount": Decimal("100000")}]


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def state():
    """Everything a refused step must leave as it was."""
    return (list(FinancingApplication.objects.values()), Repayment.objects.count(),
            AuditEvent.objects.filter(action__startswith="financing.").count(),
            Message.objects.filter(category="contracts.financing").count())


# --- offers reach the winner with the award ---------------------------------------------

def test_the_winner_hears_of_the_policy_and_every_active_offer_with_the_award(
        opened, alice, offer, ccb_offer, ccb):
    save_offer(*ccb, name="已下架产品", is_active=False)
    lot, _bidders = opened
    award = award_lot(lot, alice)
    winner = award.bid.supplier.memberships.get().user
    message = Message.objects.get(recipient=winner, category="contracts.financing",
                                  channel="inapp")
    assert message.link == "/financing/"
    assert "春风行动 第26条" in message.body and "政采贷" in message.body
    assert "建行政采贷" in message.body and "已下架产品" not in message.body
    assert "350,000.00" in message.body  # 70 % of the 500,000 yuan award
    assert {o.name for o in financing_offers_for(award)} == {"建行政采贷", "政采贷"}
    # The losers hear nothing of it.
    assert Message.objects.filter(category="contracts.financing").exclude(
        recipient=winner).count() == 0


# --- a bank sees nothing before consent ---------------------------------------------------

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


# --- the whole path through the services ------------------------------------------------

def test_application_to_repaid_and_rated_through_the_services(signed, offer, icbc, ccb,
                                                              winner_user, alice):
    contract = signed
    bank, banker = icbc
    assert collection_account(contract) == contract.payee_account

    application = apply(contract, offer, winner_user)
    assert (application.status, application.bank, application.consent_by) == (
        S.APPLIED, bank, winner_user)
    told = Message.objects.get(recipient=banker, category="contracts.financing",
                               channel="inapp")
    assert told.link == f"/financing/bank/{application.pk}/"
    assert not Message.objects.filter(recipient=ccb[1]).exists()
    with pytest.raises(InvalidTransition) as exc:  # one live application per contract
        apply(contract, offer, winner_user, amount="1000")
    assert exc.value.code == "financing_live"
    with pytest.raises(PermissionDenied):  # another bank's staff cannot decide
        approve(application, ccb[1])

    approve(application, banker)
    application.refresh_from_db()
    assert (application.status, application.collection_account) == (S.APPROVED, ACCOUNT)
    assert collection_account(contract) == ACCOUNT
    assert Message.objects.filter(recipient=alice, category="contracts.payment",
                                  body__contains=ACCOUNT).exists()

    # The purchaser now pays into the collection account, and nowhere else.
    invoice = contract_services.invoice_submit(
        contract=contract, actor=winner_user, number="F1", amount=Decimal("100000"),
        issued_on=dt.date(2026, 3, 24), file_name="fp.pdf", file_data=b"%PDF-1.7\n%%EOF\n",
        now=T0)
    with pytest.raises(DomainError) as exc:
        contract_services.payment_record(contract=contract, actor=alice, invoice=invoice,
                                         amount=Decimal("1000"), paid_on=dt.date(2026, 3, 24),
                                         voucher="PZ-1", payee_account=contract.payee_account,
                                         now=T0)
    assert exc.value.code == "wrong_account"
    assert not contract.payments.exists()
    payment = contract_services.payment_record(
        contract=contract, actor=alice, invoice=invoice, amount=Decimal("1000"),
        paid_on=dt.date(2026, 3, 24), voucher="PZ-2", now=T0)
    assert payment.payee_account == ACCOUNT

    disbursed_at = T0 + dt.timedelta(days=2)
    services.financing_disburse(application=application, actor=banker,
                                amount=Decimal("300000"), at=disbursed_at, schedule=SCHEDULE,
                                now=disbursed_at)
    application.refresh_from_db()
    assert (application.status, application.disbursed_amount) == (S.DISBURSED,
                                                                  Decimal("300000"))
    repayments = list(application.repayments.all())
    assert [(r.due_date, r.amount) for r in repayments] == [
        (row["due_date"], row["amount"]) for row in SCHEDULE]

    for i, repayment in enumerate(repayments):
        services.financing_repay(repayment=repayment, actor=banker,
                                 now=disbursed_at + dt.timedelta(days=90 * (i + 1)))
        application.refresh_from_db()
        assert application.status == (S.REPAID if i == 2 else S.DISBURSED)
        repayment.refresh_from_db()
        assert repayment.recorded_by == banker
    with pytest.raises(InvalidTransition):
        services.financing_repay(repayment=repayments[0], actor=banker)
    # Repaid: the contract is paid into its own account again.
    assert collection_account(contract) == contract.payee_account

    with pytest.raises(PermissionDenied):  # the bank does not rate itself
        services.financing_rate(application=application, actor=banker, rating=5)
    services.financing_rate(application=application, actor=winner_user, rating=4,
                            comment="放款快", now=T0)
    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (4, "放款快")
    with pytest.raises(InvalidTransition):
        services.financing_rate(application=application, actor=winner_user, rating=5)
    assert list(AuditEvent.objects.filter(action__startswith="financing.").exclude(
        action="financing.offer").order_by("id").values_list("action", flat=True)) == [
        "financing.apply", "financing.decide", "financing.disburse", "financing.repay",
        "financing.repay", "financing.repay", "financing.rate"]
    # A repaid loan frees the contract for another application.
    assert apply(contract, offer, winner_user, amount="1000").status == S.APPLIED


def test_a_refusal_with_its_reason_lets_the_supplier_apply_elsewhere(
        signed, offer, icbc, ccb, ccb_offer, winner_user):
    application = apply(signed, offer, winner_user)
    services.financing_decide(application=application, actor=icbc[1], approved=False,
                              reason="经营年限不足一年", now=T0)
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (S.REFUSED, "经营年限不足一年")
    assert Message.objects.filter(recipient=winner_user, category="contracts.financing",
                                  body__contains="经营年限不足一年").exists()
    assert collection_account(signed) == signed.payee_account
    assert apply(signed, ccb_offer, winner_user, amount="100000").bank == ccb[0]


# --- refusals change nothing ---------------------------------------------------------------

def test_applying_without_consent_or_above_the_offer_changes_nothing(signed, offer,
                                                                    winner_user, charlie):
    withdrawn = save_offer(offer.bank, offer.bank.memberships.get().user, name="旧产品",
                           is_active=False)
    before = state()
    with pytest.raises(DomainError) as exc:
        apply(signed, offer, winner_user, consent=False)
    assert exc.value.code == "consent_required" and exc.value.field == "consent"
    with pytest.raises(DomainError) as exc:  # 70 % of 500,000 is 350,000
        apply(signed, offer, winner_user, amount="350000.01")
    assert exc.value.code == "over_offer_max" and "350,000.00" in str(exc.value)
    with pytest.raises(PermissionDenied):  # only the supplier applies
        apply(signed, offer, charlie)
    with pytest.raises(DomainError) as exc:  # a withdrawn offer
        apply(signed, withdrawn, winner_user)
    assert exc.value.code == "no_offer"
    assert state() == before
    assert apply(signed, offer, winner_user, amount="350000").amount == Decimal("350000")


def test_an_unsigned_contract_is_not_financed(awarded, alice, offer, winner_user):
    contract = contract_services.contract_draft(award=awarded, actor=alice, now=T0, **terms())
    with pytest.raises(InvalidTransition) as exc:
        apply(contract, offer, winner_user)
    assert exc.value.code == "unsigned"


def test_decisions_without_what_they_need_change_nothing(signed, offer, icbc, winner_user):
    banker = icbc[1]
    application = apply(signed, offer, winner_user)
    before = state()
    with pytest.raises(DomainError) as exc:
        approve(application, banker, account="  ")
    assert exc.value.code == "collection_account_required"
    with pytest.raises(DomainError) as exc:
        services.financing_decide(application=application, actor=banker, approved=False,
                                  reason=" ", now=T0)
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        approve(application, banker, approved_amount=Decimal("300000.01"))
    assert exc.value.code == "over_asked"
    with pytest.raises(DomainError) as exc:
        approve(application, banker, rate=None)
    assert exc.value.code == "rate_required"
    assert state() == before
    assert collection_account(signed) == signed.payee_account

    approve(application, banker)
    before = state()
    for schedule, code in [
        ([], "schedule_required"),
        (SCHEDULE[:2], "schedule_mismatch"),
        ([{"due_date": dt.date(2026, 3, 1), "amount": Decimal("300000")}],
         "schedule_invalid"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.financing_disburse(application=application, actor=banker,
                                        amount=Decimal("300000"), at=T0, schedule=schedule,
                                        now=T0)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        services.financing_disburse(application=application, actor=banker,
                                    amount=Decimal("300000.01"), at=T0, schedule=SCHEDULE,
                                    now=T0)
    assert exc.value.code == "over_approved"
    with pytest.raises(InvalidTransition):  # nothing to rate before the money is out
        services.financing_rate(application=application, actor=winner_user, rating=5)
    assert state() == before


def test_offers_are_managed_by_their_bank_only(icbc, ccb, bob):
    bank, banker = icbc
    offer = save_offer(bank, banker)
    with pytest.raises(PermissionDenied):
        save_offer(ccb[0], ccb[1], offer=offer)
    with pytest.raises(PermissionDenied):
        save_offer(bank, ccb[1])
    with pytest.raises(PermissionDenied):  # a supplier is no bank
        save_offer(bob.memberships.get().organization, bob)
    with pytest.raises(DomainError):
        save_offer(bank, banker, percent="120")
    save_offer(bank, banker, name="政采贷（新）", offer=offer, is_active=False)
    offer.refresh_from_db()
    assert (offer.name, offer.is_active) == ("政采贷（新）", False)
    assert AuditEvent.objects.filter(action="financing.offer").count() == 2


# --- the same path through the pages ----------------------------------------------------

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


# --- the same path through the API ------------------------------------------------------

def test_the_whole_path_through_the_api(signed, icbc, ccb, winner_user, charlie):
    contract = signed
    bank, banker = icbc
    staff, supplier = api(banker), api(winner_user)
    created = staff.post("/api/financing/offers/", {
        "name": "政采贷", "rate": "3.45%起", "max_percent": "70", "term_months": 12},
        format="json")
    assert created.status_code == 201
    offer_id = created.json()["id"]
    assert api(ccb[1]).put(f"/api/financing/offers/{offer_id}/", {
        "name": "x", "rate": "1%", "max_percent": "10", "term_months": 1},
        format="json").status_code == 404
    assert [o["id"] for o in supplier.get("/api/financing/offers/").json()["results"]] == [
        offer_id]

    view = supplier.get(f"/api/financing/contracts/{contract.pk}/").json()
    assert view["can_apply"] and view["offers"][0]["up_to"] == "350000.00"
    assert "春风行动 第26条" in view["policy"]
    for outsider in (api(charlie), staff):
        assert outsider.get(f"/api/financing/contracts/{contract.pk}/").status_code == 404

    body = {"contract": contract.pk, "offer": offer_id, "amount": "300000", "consent": False}
    refused = supplier.post("/api/financing/applications/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    assert api(charlie).post("/api/financing/applications/", {**body, "consent": True},
                             format="json").status_code == 404
    applied = supplier.post("/api/financing/applications/", {**body, "consent": True},
                            format="json")
    assert applied.status_code == 201
    pk = applied.json()["id"]
    url = f"/api/financing/applications/{pk}/"

    seen = staff.get(url).json()
    assert (seen["contract_number"], seen["award_amount"], seen["contract_amount"]) == (
        contract.number, "500000.00", "500000.00")
    pdf = staff.get(f"{url}contract.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    for outsider in (api(ccb[1]), api(charlie)):
        assert outsider.get(url).status_code == 404
        assert outsider.get(f"{url}contract.pdf").status_code == 404
    assert supplier.post(f"{url}decide/", {"approved": True}, format="json"
                         ).status_code == 404  # the supplier does not decide

    refused = staff.post(f"{url}decide/", {"approved": True, "rate": "3.45"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "collection_account_required"
    decided = staff.post(f"{url}decide/", {"approved": True, "rate": "3.45",
                                           "collection_account": ACCOUNT}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert decided.json()["collection_bank"] == bank.name

    schedule = [{"due_date": str(r["due_date"]), "amount": str(r["amount"])}
                for r in SCHEDULE]
    mismatch = staff.post(f"{url}disburse/", {"amount": "300000", "at": T0.isoformat(),
                                              "schedule": schedule[:1]}, format="json")
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "schedule_mismatch"
    disbursed = staff.post(f"{url}disburse/", {"amount": "300000", "at": T0.isoformat(),
                                               "schedule": schedule}, format="json")
    assert disbursed.status_code == 200 and len(disbursed.json()["repayments"]) == 3
    for row in disbursed.json()["repayments"]:
        done = staff.post(f"{url}repayments/{row['id']}/repay/")
        assert done.status_code == 200
    assert done.json()["status"] == "repaid"
    assert [r["recorded_by"] for r in done.json()["repayments"]] == [
        icbc[1].display_name] * 3
    assert disbursed.json()["repayments"][0]["recorded_by"] is None
    rated = supplier.post(f"{url}rate/", {"rating": 5, "comment": "好"}, format="json")
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    assert [a["id"] for a in staff.get("/api/financing/applications/").json()["results"]] \
        == [pk]
    assert api(ccb[1]).get("/api/financing/applications/").json()["results"] == []


def test_the_schema_documents_every_financing_endpoint_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
        noise = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
                 if "financing" in m]
    assert noise == []
    paths = {p: ops for p, ops in schema["paths"].items() if "/financing/" in p}
    assert len(paths) == len(api_urls_financing.urlpatterns)
    for ops in paths.values():
        for method, op in ops.items():
            if method in ("get", "post", "put"):
                assert op["summary"], op


def test_the_database_refuses_half_decisions_and_unattributed_repayments(signed, offer, icbc,
                                                                        winner_user):
    """What the services never write, the database refuses too (a second write path, a
    shell or an admin action cannot leave a half-made decision)."""
    from django.db import IntegrityError, transaction

    _bank, banker = icbc
    application = apply(signed, offer, winner_user)
    half_made = [
        {"status": S.APPROVED},  # no decider, amount, rate or account
        {"status": S.APPROVED, "decided_by": banker, "decided_at": T0,
         "approved_amount": Decimal("300000"), "rate": Decimal("3.45")},  # no account
        {"status": S.APPROVED, "decided_by": banker, "decided_at": T0,
         "approved_amount": Decimal("300001"), "rate": Decimal("3.45"),
         "collection_account": ACCOUNT},  # more than asked
        {"status": S.REFUSED, "decided_by": banker, "decided_at": T0},  # no reason
    ]
    for values in half_made:
        with pytest.raises(IntegrityError), transaction.atomic():
            FinancingApplication.objects.filter(pk=application.pk).update(**values)
    approve(application, banker)
    with pytest.raises(IntegrityError), transaction.atomic():  # disbursed: when, how much
        FinancingApplication.objects.filter(pk=application.pk).update(status=S.DISBURSED)
    with pytest.raises(IntegrityError), transaction.atomic():  # never more than approved
        FinancingApplication.objects.filter(pk=application.pk).update(
            status=S.DISBURSED, disbursed_at=T0, disbursed_amount=Decimal("300000.01"))
    services.financing_disburse(application=application, actor=banker,
                                amount=Decimal("300000"), at=T0, schedule=SCHEDULE, now=T0)
    repayment = application.repayments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.filter(pk=repayment.pk).update(paid_at=T0)
    application.refresh_from_db()
    assert application.status == S.DISBURSED
    assert not Repayment.objects.filter(paid_at__isnull=False).exists()
