"""The contracts API: draft → both sign → publish → file → acceptance → invoice → paid
through the same services as the pages; refusals cite their basis; outsiders get 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, include, path, reverse
from django.utils import timezone
from rest_framework.test import APIClient

import config.urls
from audit.models import AuditEvent
from config import api_urls as project_api
from contracts import api_urls as contracts_api
from contracts.models import Contract
from contracts.tests.fixtures import award_lot

# If config/api_urls.py does not include contracts.api_urls (yet), mount it here.
_included = any(isinstance(p, URLResolver)
                and p.urlconf_name in ("contracts.api_urls", contracts_api)
                for p in project_api.urlpatterns)
_api = project_api.urlpatterns if _included else [*project_api.urlpatterns,
                                                  *contracts_api.urlpatterns]
urlpatterns = [path("api/", include((_api, "api"))) if str(p.pattern) == "api/" else p
               for p in config.urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PDF = b"%PDF-1.7\n%%EOF\n"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def day(offset=0) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def terms(**overrides):
    data = {"delivery_place": "许昌市魏都区第一实验学校", "delivery_deadline": day(30),
            "payment_term": 2, "payment_term_unit": "workdays", "payee_name": "投标人0",
            "payee_bank": "许昌银行魏都支行", "payee_account": "6230000000000001",
            "secret_fields": ["payee"],
            "milestones": [{"title": "到货安装", "due_date": day(20)}]}
    data.update(overrides)
    return data


@pytest.fixture
def awarded(opened, alice, django_capture_on_commit_callbacks):
    """The awarded lot, its events delivered as after the award's commit (the ledger)."""
    with django_capture_on_commit_callbacks(execute=True):
        return award_lot(opened[0], alice)


def url(name, *args):
    return reverse(f"api:contract-{name}", args=args)


def test_the_contract_runs_through_the_api(awarded, alice, winner_user, charlie):
    purchaser, supplier, stranger = api(alice), api(winner_user), api(charlie)
    draft = url("draft", awarded.pk)

    refused = purchaser.post(draft, terms(payment_term=60, payment_term_unit="days"),
                             format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "payment_term" and "春风行动 第18条" in body["basis"]
    assert body["field"] == "payment_term"
    assert not Contract.objects.exists()
    assert AuditEvent.objects.filter(action="contract.draft_refused").exists()
    bond = purchaser.post(draft, terms(charges=[{"kind": "performance_bond", "percent": 5}]),
                          format="json")
    assert bond.status_code == 400 and bond.json()["code"] == "bond_forbidden"

    # Only the purchaser drafts; the supplier and outsiders do not even see the award.
    assert supplier.post(draft, terms(), format="json").status_code == 404
    assert stranger.post(draft, terms(), format="json").status_code == 404
    created = purchaser.post(draft, terms(), format="json")
    assert created.status_code == 201, created.content
    contract = created.json()
    pk, sha = contract["id"], contract["pdf_sha256"]
    assert contract["status"] == "draft" and contract["milestones"][0]["title"] == "到货安装"
    assert contract["supplier_is_sme"] is True
    assert [c["clock"] for c in contract["clocks"]] == ["contract.sign"]

    # Outsiders: 404 on reading and on every step.
    assert stranger.get(url("detail", pk)).status_code == 404
    assert stranger.post(url("sign", pk), {"pdf_sha256": sha}).status_code == 404
    assert stranger.get(url("list")).json()["count"] == 0
    assert stranger.get(url("ledger")).status_code == 404
    assert supplier.get(url("list")).json()["results"][0]["id"] == pk

    # Signing is bound to the hash of the PDF read.
    stale = purchaser.post(url("sign", pk), {"pdf_sha256": "0" * 64})
    assert stale.status_code == 400 and stale.json()["code"] == "stale_contract"
    assert purchaser.post(url("sign", pk), {"pdf_sha256": sha}).json()["status"] == "signing"
    signed = supplier.post(url("sign", pk), {"pdf_sha256": sha}).json()
    assert signed["status"] == "signed" and len(signed["signatures"]) == 2
    again = purchaser.post(draft, terms(), format="json")
    assert again.status_code == 409

    assert supplier.post(url("publish", pk)).status_code == 403
    assert purchaser.post(url("publish", pk)).json()["published_at"]
    filed = purchaser.post(url("file", pk)).json()
    assert filed["filed_at"]
    assert {c["clock"]: c["status"] for c in filed["clocks"]} == {
        "contract.sign": "met", "contract.publish": "met", "contract.file": "met"}

    milestone = filed["milestones"][0]["id"]
    done = supplier.post(url("milestone-done", pk, milestone), {"note": "已到货"})
    assert done.json()["milestones"][0]["done_at"]
    requested = supplier.post(url("acceptance-request", pk), {"note": "已交付"})
    assert requested.status_code == 201 and requested.json()["status"] == "acceptance"
    acceptance = requested.json()["acceptances"][0]["id"]
    record = {"passed": True, "items_checked": "60台计算机", "members": ["李爱丽"]}
    short = purchaser.post(url("acceptance-record", pk, acceptance), record, format="json")
    assert short.status_code == 400 and short.json()["field"] == "members"
    accepted = purchaser.post(url("acceptance-record", pk, acceptance),
                              {**record, "members": ["李爱丽", "韩雪"]}, format="json")
    assert accepted.json()["status"] == "accepted"

    amount = accepted.json()["amount"]
    invoiced = supplier.post(url("invoice-submit", pk), {
        "number": "No.0001", "amount": amount, "issued_on": day(),
        "file": SimpleUploadedFile("fapiao.pdf", PDF, content_type="application/pdf")},
        format="multipart")
    assert invoiced.status_code == 201, invoiced.content
    invoice = invoiced.json()["invoices"][0]
    assert invoice["late_interest"] == "0.00"
    assert "payment.after_invoice" in [c["clock"] for c in invoiced.json()["clocks"]]

    over = purchaser.post(url("payment-record", pk), {
        "invoice": invoice["id"], "amount": "999999999", "paid_on": day(),
        "voucher": "PZ-0"}, format="json")
    assert over.status_code == 400 and over.json()["code"] == "overpayment"
    assert "法 第43条" in over.json()["basis"]
    assert AuditEvent.objects.filter(action="payment.refused").exists()
    paid = purchaser.post(url("payment-record", pk), {
        "invoice": invoice["id"], "amount": amount, "paid_on": day(), "voucher": "PZ-1"},
        format="json")
    assert paid.status_code == 201 and paid.json()["status"] == "paid"
    assert paid.json()["payments"][0]["payee_account"] == "6230000000000001"

    ledger = purchaser.get(url("ledger")).json()["results"]
    assert ledger[0]["contract"] == pk and ledger[0]["status"] == "paid"
    assert ledger[0]["paid_total"] == amount and ledger[0]["overdue_clocks"] == 0


def test_suspension_is_for_finance_or_the_purchaser(awarded, alice, winner_user, supervisor):
    purchaser, supplier, finance = api(alice), api(winner_user), api(supervisor)
    pk = purchaser.post(url("draft", awarded.pk), terms(), format="json").json()["id"]
    reason = {"reason": "供应商质疑可能影响中标结果"}
    assert supplier.post(url("suspend", pk), reason).status_code == 403
    assert purchaser.post(url("suspend", pk), reason).json()["suspended_reason"]
    sha = finance.get(url("detail", pk)).json()["pdf_sha256"]
    blocked = supplier.post(url("sign", pk), {"pdf_sha256": sha})
    assert blocked.status_code == 400 and "条例 第54条" in blocked.json()["basis"]
    assert supplier.post(url("resume", pk)).status_code == 403
    assert finance.post(url("resume", pk)).json()["suspended_reason"] == ""
    assert finance.post(url("suspend", pk), reason).status_code == 200


def test_supplements_are_proposed_and_confirmed(awarded, alice, winner_user):
    purchaser, supplier = api(alice), api(winner_user)
    contract = purchaser.post(url("draft", awarded.pk), terms(), format="json").json()
    pk = contract["id"]
    for client in (purchaser, supplier):
        client.post(url("sign", pk), {"pdf_sha256": contract["pdf_sha256"]})
    over = purchaser.post(url("supplement-propose", pk),
                          {"amount": contract["amount"], "reason": "增加同型号计算机"})
    assert over.status_code == 400 and "法 第49条" in over.json()["basis"]
    proposed = purchaser.post(url("supplement-propose", pk),
                              {"amount": "10000.00", "reason": "增加同型号计算机2台"})
    assert proposed.status_code == 201
    supplement = proposed.json()["supplements"][0]["id"]
    assert purchaser.post(url("supplement-confirm", pk, supplement)).status_code == 403
    confirmed = supplier.post(url("supplement-confirm", pk, supplement)).json()
    assert confirmed["total_amount"] == "510000.00"


def test_the_schema_builds_with_every_contract_endpoint(alice):
    response = api(alice).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for expected in ("/api/contracts/", "/api/contracts/{id}/sign/", "/api/ledger/",
                     "/api/awards/{id}/contract/", "/api/contracts/{id}/invoices/",
                     "/api/contracts/{id}/acceptances/{acceptance_pk}/record/"):
        assert expected in paths, expected
    invoice = paths["/api/contracts/{id}/invoices/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in invoice
    # Each step documents its own input (they share one view class underneath).
    sign = paths["/api/contracts/{id}/sign/"]["post"]["requestBody"]["content"]
    # Requests have their own components (COMPONENT_SPLIT_REQUEST).
    assert sign["application/json"]["schema"]["$ref"].endswith("/ContractSignRequest")
    assert "requestBody" not in paths["/api/contracts/{id}/publish/"]["post"]
    assert "pdf_sha256" in response.json()["components"]["schemas"]["ContractSignRequest"][
        "properties"]


def test_the_list_is_filtered_by_the_selectors_filterset(awarded, alice, winner_user,
                                                          supervisor):
    purchaser, supplier, finance = api(alice), api(winner_user), api(supervisor)
    pk = purchaser.post(url("draft", awarded.pk), terms(), format="json").json()["id"]
    listed = url("list")
    assert purchaser.get(listed, {"status": "draft"}).json()["count"] == 1
    assert purchaser.get(listed, {"status": "paid"}).json()["count"] == 0
    assert purchaser.get(listed, {"status": ""}).json()["count"] == 1
    # An unknown status is refused, as it always was; so is a year out of range.
    bogus = purchaser.get(listed, {"status": "bogus"})
    assert bogus.status_code == 400 and bogus.json()["status"]
    assert purchaser.get(listed, {"year": 1900}).status_code == 400
    year = timezone.localdate().year
    assert purchaser.get(listed, {"year": year}).json()["count"] == 1
    number = Contract.objects.get(pk=pk).number
    assert purchaser.get(listed, {"q": number[-6:]}).json()["count"] == 1
    assert purchaser.get(listed, {"q": "没有这个合同"}).json()["count"] == 0
    winner = awarded.bid.supplier_id
    assert purchaser.get(listed, {"supplier": winner}).json()["count"] == 1
    # Only organisations in the caller's scope can be named.
    stranger = purchaser.get(listed, {"supplier": 10**9})
    assert stranger.status_code == 400 and stranger.json()["supplier"]
    purchaser_id = awarded.lot.project.purchaser_id
    assert finance.get(listed, {"purchaser": purchaser_id}).json()["count"] == 1
    # Every caller's filters are checked, shown on its page or not: a purchaser outside
    # the supplier's contracts is refused, not silently ignored (the fuzzer found that).
    assert supplier.get(listed, {"purchaser": 10**9}).status_code == 400
    assert supplier.get(listed, {"purchaser": purchaser_id}).json()["count"] == 1

    schema = purchaser.get(reverse("api-schema"), {"format": "json"}).json()
    documented = {p["name"]: p["schema"] for p in
                  schema["paths"]["/api/contracts/"]["get"]["parameters"]}
    assert set(documented) >= {"status", "purchaser", "supplier", "year", "q"}
    assert "bogus" not in documented["status"]["enum"] and "draft" in documented["status"][
        "enum"]
    ledger = {p["name"] for p in schema["paths"]["/api/ledger/"]["get"]["parameters"]}
    assert ledger >= {"status", "purchaser", "supplier", "year", "q"}


def test_the_list_page_renders_the_same_filters(awarded, alice, supervisor):
    from django.test import Client

    api(alice).post(url("draft", awarded.pk), terms(), format="json")
    page = Client()
    page.force_login(alice)
    html = page.get(reverse("contracts:list"), {"status": "bogus"}).content.decode()
    assert 'name="status"' in html and 'name="supplier"' in html and 'name="q"' in html
    assert 'name="purchaser"' not in html
    assert Contract.objects.get().number in html  # an unknown status is ignored
    finance = Client()
    finance.force_login(supervisor)
    assert 'name="purchaser"' in finance.get(reverse("contracts:list")).content.decode()
