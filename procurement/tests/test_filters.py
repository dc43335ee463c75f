"""The lists' filters: one FilterSet per list, applied by the selector, drawn on the page
and documented and checked in the API. A value it refuses is a form error on the page and
a 400 in the API — never a server error, never silently another list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from procurement import services
from procurement.selectors import projects_visible_to
from procurement.tests.fixtures import NOW, demand_data, lots

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_units(project, alice, budget, intention):
    """alice's unit has a draft project and a second one submitted; another unit (with its
    own budget year) has one too."""
    other = services.project_create(
        purchaser=project.purchaser, actor=alice, demand=project.demand, title="第二个项目",
        method="quotation", lots=lots(Decimal("150000"), None), contact_name="李",
        contact_phone="1", now=NOW)
    services.project_submit(project=other, actor=alice, now=NOW)
    unit = OrganizationFactory(name="许昌市魏都区卫生健康委员会", kind="purchaser")
    officer = UserFactory(username="wei")
    MembershipFactory(user=officer, organization=unit, role=Membership.Role.OFFICER)
    line = services.budget_line_create(purchaser=unit, year=2027, code="2027-WJ-1",
                                       name="设备", amount=700000, source="fiscal",
                                       actor=officer)
    demand = services.demand_create(purchaser=unit, actor=officer, budget_line=line, now=NOW,
                                    **demand_data(title="卫健设备采购"))
    theirs = services.project_create(
        purchaser=unit, actor=officer, demand=demand, title="卫健设备采购", method="open",
        lots=lots(), contact_name="王", contact_phone="2", now=NOW)
    return {"draft": project, "submitted": other, "theirs": theirs, "unit": unit}


def test_the_project_list_page_filters_by_status_and_shows_the_filters(two_units, alice):
    page = _client(alice).get(reverse("procurement:project-list") + "?status=submitted")
    html = page.content.decode()
    assert [p.pk for p in page.context["page"]] == [two_units["submitted"].pk]
    assert 'data-testid="filters"' in html and 'name="method"' in html
    assert 'name="purchaser"' not in html  # a purchaser sees only its own
    # Not a status: the form says so, nothing else changes, no server error.
    page = _client(alice).get(reverse("procurement:project-list") + "?status=lost")
    assert page.status_code == 200 and 'data-testid="filter-error-status"' in \
        page.content.decode()
    assert len(page.context["page"]) == 2


def test_the_finance_bureau_filters_by_purchaser_year_and_text(two_units, supervisor):
    client = _client(supervisor)
    url = reverse("procurement:project-list")
    html = client.get(url).content.decode()
    assert 'name="purchaser"' in html
    unit = two_units["unit"]
    page = client.get(url, {"purchaser": unit.pk})
    assert [p.pk for p in page.context["page"]] == [two_units["theirs"].pk]
    page = client.get(url, {"year": 2026, "q": "第二"})
    assert [p.pk for p in page.context["page"]] == [two_units["submitted"].pk]
    page = client.get(url, {"method": "quotation"})
    assert [p.pk for p in page.context["page"]] == [two_units["submitted"].pk]


def test_the_api_takes_the_same_filters_and_refuses_bad_values(two_units, alice, supervisor):
    client = _client(alice)
    data = client.get(reverse("api:project-list"), {"status": "draft"}).json()
    assert [p["id"] for p in data["results"]] == [two_units["draft"].pk]
    for bad in ({"status": "lost"}, {"year": "1999"}, {"year": "二〇二六"},
                {"q": "x" * 101}, {"method": "auction"}):
        response = client.get(reverse("api:project-list"), bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == set(bad), bad
    # A purchaser outside the caller's scope is not found, as in a path.
    response = client.get(reverse("api:project-list"), {"purchaser": two_units["unit"].pk})
    assert response.status_code == 400
    assert "purchaser" in response.json()
    data = _client(supervisor).get(reverse("api:project-list"),
                                   {"purchaser": two_units["unit"].pk}).json()
    assert [p["id"] for p in data["results"]] == [two_units["theirs"].pk]


def test_the_selector_keeps_its_old_signature_and_takes_filters(two_units):
    org = two_units["draft"].purchaser
    assert projects_visible_to(organization=org).count() == 2
    assert list(projects_visible_to(user=None, organization=org,
                                    filters={"status": "submitted"})) == [two_units["submitted"]]
    assert not projects_visible_to(organization=None).exists()


def test_demands_notices_and_bids_are_filtered_the_same_way(two_units, alice, approver, bob,
                                                            django_capture_on_commit_callbacks):
    client = _client(alice)
    page = client.get(reverse("procurement:demand-list"), {"status": "used"})
    assert len(page.context["page"]) == 1
    assert 'name="status"' in page.content.decode() and 'name="category"' in \
        page.content.decode()
    assert client.get(reverse("procurement:demand-list"), {"category": "service"}) \
        .context["page"].object_list.count() == 0
    assert client.get(reverse("api:demand-list"), {"category": "food"}).status_code == 400

    project = two_units["submitted"]
    services.project_approve(project=project, actor=approver, now=NOW)
    # The portal's list (disclosure) indexes the notice when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.project_announce(
            project=project, actor=alice, documents_from=NOW,
            documents_until=NOW + dt.timedelta(days=7),
            bid_deadline=NOW + dt.timedelta(days=21), now=NOW)
    public = Client()
    day = notice.published_at.date()
    for query, found in [({"published_from": day.isoformat()}, True),
                         ({"published_from": (day + dt.timedelta(days=1)).isoformat()}, False),
                         ({"published_to": day.isoformat(), "kind": "tender"}, True),
                         ({"kind": "result"}, False), ({"q": project.code}, True)]:
        page = public.get(reverse("disclosure:notice-list"), query)
        assert (notice.get_absolute_url() in [p.url for p in page.context["page"]]) is found, \
            query
        data = public.get(reverse("api:notice-list"), query).json()
        assert (notice.pk in [n["id"] for n in data["results"]]) is found, query
    assert public.get(reverse("api:notice-list"), {"published_from": "03/02"}) \
        .status_code == 400
    page = public.get(reverse("disclosure:notice-list"), {"published_from": "yesterday"})
    assert page.status_code == 200
    assert 'data-testid="filter-error-published_from"' in page.content.decode()

    bids = _client(bob)
    page = bids.get(reverse("procurement:bid-list"), {"status": "sealed"})
    assert page.status_code == 200 and 'name="status"' in page.content.decode()
    assert bids.get(reverse("api:bid-list"), {"status": "won"}).json()["results"] == []
    assert bids.get(reverse("api:bid-list"), {"status": "shredded"}).status_code == 400


def test_the_pages_of_a_filtered_list_keep_the_filters(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/notices/", {"kind": "tender", "q": "计算机", "page": "2"})
    page = Paginator(range(50), 20).get_page(2)
    html = render_to_string("partials/_pagination.html", {"page": page}, request=request)
    assert "kind=tender" in html and "page=3" in html and "page=1" in html
    assert "q=%E8%AE%A1%E7%AE%97%E6%9C%BA" in html


def test_the_schema_documents_each_lists_query_parameters(alice):
    schema = _client(alice).get("/api/schema/", {"format": "json"}).json()["paths"]

    def parameters(path):
        return {p["name"]: p["schema"] for p in schema[path]["get"].get("parameters", [])}

    projects = parameters("/api/projects/")
    assert {"status", "method", "purchaser", "year", "q"} <= set(projects)
    assert "submitted" in projects["status"]["enum"]
    # A typed parameter is its type or empty (a blank form field filters nothing).
    year, empty = projects["year"]["oneOf"]
    assert year["minimum"] == 2000 and empty == {"type": "string", "maxLength": 0}
    assert projects["purchaser"]["oneOf"][0] == {"type": "integer"}
    assert projects["q"]["maxLength"] == 100
    assert {"status", "category"} <= set(parameters("/api/demands/"))
    notices = parameters("/api/notices/")
    assert notices["published_from"]["oneOf"][0]["format"] == "date" and "kind" in notices
    assert "status" in parameters("/api/bids/")
