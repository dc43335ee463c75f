"""OCDS 1.1: every stage of a procurement as releases, records compiled from them, the
packages valid for the standard's own checker, and no sealed bid ever in them."""

import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Milestone
from contracts.tests.factories import ContractFactory
from disclosure.ocds import packages, standard
from disclosure.ocds.releases import ocid_for, project_releases
from disclosure.tasks_ocds import ocds_export
from procurement.models import Announcement, Bid
from procurement.tests.factories import DEADLINE, NOW, BidFactory, LotFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_contract():
    """A project through tender, opening, award, contract and payment."""
    contract = ContractFactory(paid=True)
    Milestone.objects.create(contract=contract, title="全部设备到货安装",
                             due_date=contract.delivery_deadline, done_at=contract.paid_at)
    return contract


def _by_tag(releases, tag):
    return [r for r in releases if tag in r["tag"]]


def test_every_package_validates_with_zero_errors(paid_contract):
    project = paid_contract.award.lot.project
    release_package = packages.project_release_package(project)
    record_package = packages.record_package(project)

    for package, record in ((release_package, False), (record_package, True)):
        report = standard.validate(package, record=record)
        assert report["validation_errors"] == []
        # Our complaints extension is read and applied; nothing else fails but the two
        # extensions that this offline machine cannot fetch.
        assert set(report["extensions"]["invalid_extension"]) <= {
            packages.extensions()[0], packages.extensions()[1]}
    tags = [t for r in release_package["releases"] for t in r["tag"]]
    assert tags == ["planning", "tender", "tenderUpdate", "award", "contract",
                    "implementation"]


def test_planning_has_the_budget_and_implementation_the_payments(paid_contract):
    project = paid_contract.award.lot.project
    releases = project_releases(project)
    planning = _by_tag(releases, "planning")[0]["planning"]
    assert planning["budget"]["amount"] == {
        "amount": float(project.budget_line.amount), "currency": "CNY"}
    implementation = _by_tag(releases, "implementation")[-1]["contracts"][0]
    payment = paid_contract.payments.get()
    assert implementation["implementation"]["transactions"] == [{
        "id": f"payment-{payment.pk}", "source": implementation["implementation"][
            "transactions"][0]["source"], "date": "2026-03-24T00:00:00+08:00",
        "value": {"amount": float(payment.amount), "currency": "CNY"},
        "payer": implementation["implementation"]["transactions"][0]["payer"],
        "payee": {"id": f"CN-USCC-{paid_contract.supplier.credit_code}",
                  "name": paid_contract.supplier.name},
        "uri": implementation["implementation"]["transactions"][0]["uri"]}]
    assert implementation["implementation"]["milestones"][0]["status"] == "met"
    assert implementation["status"] == "terminated"


def test_release_ids_are_stable_and_unique_and_dates_in_china_time(paid_contract):
    project = paid_contract.award.lot.project
    first, again = project_releases(project), project_releases(project)
    ids = [r["id"] for r in first]
    assert ids == [r["id"] for r in again]
    assert len(set(ids)) == len(ids)
    assert all(r["ocid"] == ocid_for(project.code) for r in first)
    assert all(r["date"].endswith("+08:00") for r in first)


def test_tender_carries_lots_items_method_and_challenge_window(paid_contract):
    project = paid_contract.award.lot.project
    tender = _by_tag(project_releases(project), "tender")[0]["tender"]
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == "公开招标"
    assert tender["lots"][0]["id"] == "1"
    assert all(item["relatedLot"] == "1" and item["classification"]["scheme"] == "CN-GPC"
               for item in tender["items"])
    assert tender["complaintPeriod"]["startDate"] < tender["complaintPeriod"]["endDate"]
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    assert tender["documents"][0]["url"].endswith(f"/notices/{notice.pk}/")


def test_compiled_record_has_the_latest_values(paid_contract):
    project = paid_contract.award.lot.project
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    moved = DEADLINE.replace(hour=15)
    Announcement.objects.create(project=project, kind=Announcement.Kind.CLARIFICATION,
                                title="澄清公告", body="开标时间调整", fields={},
                                published_at=notice.published_at.replace(day=5),
                                moves_deadline_to=moved)
    record = packages.record_package(project)["records"][0]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["tenderPeriod"]["endDate"] == "2026-03-23T15:00:00+08:00"
    assert compiled["tender"]["amendments"][0]["rationale"] == "澄清公告"
    assert compiled["tender"]["lots"][0]["status"] == "complete"
    assert compiled["contracts"][0]["status"] == "terminated"
    assert len(compiled["contracts"][0]["implementation"]["transactions"]) == 1
    assert [r["date"] for r in record["releases"]] == sorted(r["date"] for r in record["releases"])


def test_sealed_bids_never_appear_before_opening(client):
    lot = LotFactory(bidding=True)
    for n in range(3):
        BidFactory(lot=lot, amount=Decimal("400000.00") + n)
    assert Bid.objects.filter(lot=lot, status=Bid.Status.SEALED).count() == 3
    project = lot.project
    suppliers = {b.supplier.name for b in Bid.objects.filter(lot=lot)}

    release_package = packages.project_release_package(project)
    record_package = packages.record_package(project)
    listed = client.get(reverse("api:disclosure:ocds-release-list"),
                        {"ocid": ocid_for(project.code)}).json()
    for package in (release_package, record_package, listed):
        text = json.dumps(package, ensure_ascii=False)
        assert '"bids"' not in text
        assert "tenderer" not in text  # no tenderers, no role, no numberOfTenderers
        assert not any(name in text for name in suppliers)
        assert "400000" not in text
    assert standard.validate(release_package)["validation_errors"] == []


def test_opened_lot_shows_its_bids_and_tenderers():
    lot = LotFactory(opened=True)
    opening = _by_tag(project_releases(lot.project), "tenderUpdate")[0]
    assert opening["bids"]["statistics"][0] == {
        "id": "1-bids", "measure": "bids", "value": 3, "date": opening["date"],
        "relatedLot": "1"}
    assert len(opening["bids"]["details"]) == len(opening["tender"]["tenderers"]) == 3


def test_apis_are_public_and_the_record_is_found_by_ocid(client, paid_contract):
    project = paid_contract.award.lot.project
    ocid = ocid_for(project.code)
    record = client.get(reverse("api:disclosure:ocds-record", args=[ocid]))
    assert record.status_code == 200
    assert record.json()["records"][0]["ocid"] == ocid
    assert client.get(reverse("api:disclosure:ocds-record",
                              args=[ocid + "x"])).status_code == 404
    per_project = client.get(reverse("api:disclosure:ocds-project-release-package",
                                     args=[project.pk]))
    assert len(per_project.json()["releases"]) == 6
    since = client.get(reverse("api:disclosure:ocds-release-list"),
                       {"ocid": ocid, "since": "2026-03-24T00:00:00+08:00"}).json()
    assert {t for r in since["releases"] for t in r["tag"]} == {
        "award", "contract", "implementation"}
    extension = client.get("/api/ocds/extensions/complaints/extension.json")
    assert extension.status_code == 200
    metadata = json.loads(b"".join(extension.streaming_content))
    assert metadata["schemas"] == ["release-schema.json"]
    assert client.get("/api/ocds/extensions/complaints/../../standard.py").status_code == 404


def test_a_project_never_announced_has_no_releases():
    project = ProjectFactory(approved=True)
    assert project_releases(project) == []


def test_daily_export_writes_zipped_json_lines(tmp_path, paid_contract):
    counts = ocds_export(directory=tmp_path)
    assert counts == {"projects": 1, "failed": 0}
    with zipfile.ZipFile(tmp_path / "records.jsonl.zip") as archive:
        lines = archive.read("records.jsonl").decode().splitlines()
    assert json.loads(lines[0])["records"][0]["ocid"] == ocid_for(
        paid_contract.award.lot.project.code)
    assert (tmp_path / "releases.jsonl.zip").exists()
    assert NOW  # the fixtures' tender month
