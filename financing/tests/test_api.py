"""Contract financing through the API: one view per step, the same services; outsiders
get 404; each application carries the steps the bank may take now (``actions``)."""

import pytest

from financing import api_urls

from .fixtures import ACCOUNT, SCHEDULE, T0, api

pytestmark = pytest.mark.django_db


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
    assert len(paths) == len(api_urls.urlpatterns)
    for ops in paths.values():
        for method, op in ops.items():
            if method in ("get", "post", "put"):
                assert op["summary"], op
