"""The project list with its filters and the project page, as the finance bureau and a
purchaser's officer see them in the demo district (screenshots in var/screenshots/)."""

import pytest

from demo.data import PASSWORD
from procurement.models import Project
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_project_list_filters_and_the_project_page(demo, live_server, page, screenshot):
    url = live_server.url
    login(page, live_server, "czj_jg", PASSWORD)  # the finance bureau sees every unit
    page.goto(f"{url}/procurement/projects/")
    filters = page.get_by_test_id("filters")
    for name in ("status", "method", "purchaser", "year", "q"):
        assert filters.locator(f"[name={name}]").is_visible(), name
    everything = page.get_by_test_id("project-table").locator("tbody tr").count()
    screenshot("1-project-list")

    announced = Project.objects.filter(status="announced").first()
    page.select_option("#id_status", "announced")
    page.get_by_test_id("filters").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    rows = page.get_by_test_id("project-table").locator("tbody tr")
    assert rows.count() == Project.objects.filter(status="announced").count() <= everything
    assert announced.code in rows.first.inner_text()
    screenshot("2-project-list-filtered")

    page.goto(f"{url}/procurement/projects/?year=1999")
    assert page.get_by_test_id("filter-error-year").is_visible()
    screenshot("3-project-list-bad-year")

    page.goto(f"{url}{announced.get_absolute_url()}")
    assert page.get_by_test_id("project-title").inner_text() == announced.title
    assert page.get_by_test_id("history").is_visible()
    assert not page.get_by_test_id("action-submit").count()  # supervision reads
    screenshot("4-project-page-supervision")

    logout(page)
    login(page, live_server, "jyj_jb", PASSWORD)  # the purchaser's officer
    project = Project.objects.filter(purchaser__memberships__user__username="jyj_jb").first()
    page.goto(f"{url}{project.get_absolute_url()}")
    assert page.get_by_test_id("history").is_visible()
    screenshot("5-project-page-officer")
    page.goto(f"{url}/procurement/projects/")
    assert not page.get_by_test_id("filters").locator("[name=purchaser]").count()
    screenshot("6-project-list-officer")


def test_the_public_notices_filter_by_kind_text_and_day(demo, live_server, page, screenshot):
    page.goto(f"{live_server.url}/notices/?kind=tender")
    filters = page.get_by_test_id("filters")
    for name in ("kind", "q", "published_from", "published_to"):
        assert filters.locator(f"[name={name}]").is_visible(), name
    assert filters.locator("[name=published_from]").get_attribute("type") == "date"
    assert page.get_by_test_id("notice-list").locator("a").count() >= 1
    screenshot("1-notices-tender")
