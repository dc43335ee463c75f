"""The compliance interceptions (系统自动预警和拦截): every refusal and every overridden
warning from every app, one list for the finance bureau, filterable, exported as CSV and
XLSX and served by the API — the same FilterSet for all four."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import audit_record
from conftest import org_of
from core.exceptions import DomainError
from procurement import services
from procurement.tests.fixtures import NOW, demand_data

pytestmark = pytest.mark.django_db
URL = reverse("supervision:interception-list")
API = reverse("api:supervision-interception-list")


@pytest.fixture
def intercepted(alice, purchaser_org, budget):
    """A purchaser overrides a fair-competition warning with a justification, after the
    platform refused a justification too short; and an ordinary event besides."""
    demand = services.demand_create(
        purchaser=purchaser_org, actor=alice, budget_line=budget, now=NOW,
        **demand_data(commercial_requirements="接到报修后2小时内到达现场。"))
    finding = demand.findings.get()
    with pytest.raises(DomainError):
        services.demand_override_finding(finding=finding, actor=alice, justification="必要")
    services.demand_override_finding(
        finding=finding, actor=alice,
        justification="设备用于急诊，停机超过两小时会影响救治，响应时限经论证确有必要。")
    audit_record(action="demand.update", actor=alice, organization=purchaser_org, obj=demand)
    return finding


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bureau_sees_each_refusal_and_override_with_its_rule_and_basis(
        intercepted, supervisor):
    page = _client(supervisor).get(URL)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.kind for r in rows] == ["override", "refusal"]
    override, refusal = rows
    assert override.code == "fair_competition" and override.basis == intercepted.basis
    assert "急诊" in override.message
    assert refusal.code == "justification_required"
    assert refusal.event.action == "demand.override_finding_refused"
    html = page.content.decode()
    assert intercepted.basis in html and "justification_required" in html
    # Nothing else of the trail: the demand's ordinary events are not interceptions.
    assert all(r.event.action != "demand.update" for r in rows)


def test_filters_narrow_the_list_and_a_bad_value_is_refused_with_nothing_listed(
        intercepted, supervisor):
    client = _client(supervisor)
    assert [r.kind for r in client.get(URL, {"kind": "refusal"}).context["rows"]] == \
        ["refusal"]
    assert [r.code for r in client.get(URL, {"code": "fair_competition"}).context["rows"]] \
        == ["fair_competition"]
    basis = intercepted.basis.split()[0]
    assert len(client.get(URL, {"basis": basis}).context["rows"]) == 1
    # The override names the purchaser; the refusal names no organisation (the service
    # was given none: core.refusals records the organisation among its arguments).
    assert [r.kind for r in client.get(URL, {"organization": org_of(
        intercepted.overridden_by).pk}).context["rows"]] == ["override"]
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert client.get(URL, {"since": tomorrow}).context["page"].paginator.count == 0
    refused = client.get(URL, {"since": "2026-02-30"})
    assert refused.status_code == 400
    assert refused.context["page"].paginator.count == 0
    assert 'data-testid="filter-error-since"' in refused.content.decode()


def test_the_exports_carry_the_selection(intercepted, supervisor):
    client = _client(supervisor)
    exported = client.get(URL, {"kind": "override", "format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][3] == "fair_competition"
    assert intercepted.basis in rows[1]

    workbook = client.get(URL, {"format": "xlsx"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert {values[1][3], values[2][3]} == {"fair_competition", "justification_required"}


def test_a_justification_beginning_like_a_formula_is_text_in_the_exports(
        alice, purchaser_org, budget, supervisor):
    demand = services.demand_create(
        purchaser=purchaser_org, actor=alice, budget_line=budget, now=NOW,
        **demand_data(commercial_requirements="接到报修后2小时内到达现场。"))
    services.demand_override_finding(
        finding=demand.findings.get(), actor=alice,
        justification="=HYPERLINK(\"http://x\") 急诊设备响应时限经论证确有必要。")
    sheet = load_workbook(io.BytesIO(_client(supervisor).get(
        URL, {"format": "xlsx"}).content)).active
    assert sheet["F2"].value.startswith("'=")


def test_only_the_finance_bureau_reads_them_on_the_page_and_the_api(
        intercepted, supervisor, alice, bob):
    for user in (alice, bob):
        assert _client(user).get(URL).status_code == 404
        assert _client(user).get(URL, {"format": "xlsx"}).status_code == 404
        assert _client(user).get(URL, {"format": "csv"}).status_code == 404
        assert _client(user).get(API).status_code == 404
    assert Client().get(URL, {"format": "csv"}).status_code == 302  # to the log-in page
    assert Client().get(API).status_code in (401, 403)
    body = _client(supervisor).get(API, {"kind": "override"}).json()
    assert body["count"] == 1
    assert body["results"][0]["code"] == "fair_competition"
    assert body["results"][0]["basis"] == intercepted.basis
    assert _client(supervisor).get(API, {"since": "not-a-day"}).status_code == 400


def test_a_refused_bid_on_a_lot_not_yet_opened_is_hidden_until_opening(
        live_tender, bob, supervisor):
    """A refusal of a bid names a bidder: like every bidding event of a lot not opened,
    it is nobody's to read, the finance bureau's included (audit_events_unsealed)."""
    from procurement.tests.fixtures import PDF

    lot = live_tender.lots.get()
    with pytest.raises(DomainError):
        services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price="-1",
                            sme_scale="small", sme_items_by_smes=True, contact_name="张博",
                            contact_phone="13800000001",
                            files=[services.Upload("offer.pdf", PDF)])
    rows = _client(supervisor).get(URL, {"kind": "refusal"}).context["rows"]
    assert all(r.event.action != "bid.refused" for r in rows)
