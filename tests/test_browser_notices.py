"""The public notice page lists the statute's fields of a result announcement, and marks
the dates that are provisional because the year's calendar is not loaded."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.tests.factories import OrganizationFactory
from procurement.tests.test_notices import awarded_with_lines
from tests.conftest import restore_reference_data
from workdays import services as workday_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()
    workday_services.clear_cache()
    yield
    workday_services.clear_cache()


def test_a_result_announcement_shows_its_fields_and_a_provisional_challenge_date(
        reference, approved, alice, live_server, page, screenshot):
    approved.agency = OrganizationFactory(name="河南中原招标代理有限公司", kind="agency",
                                          address="许昌市魏都区代理路 8 号",
                                          contact_name="周代理", contact_phone="0374-5550000")
    approved.save(update_fields=["agency"])
    notice = awarded_with_lines(approved, alice,
                                now=dt.datetime(2026, 12, 30, 10, 0, tzinfo=CST))
    page.goto(f"{live_server.url}{notice.get_absolute_url()}")
    table = page.locator("[data-testid=notice-fields]")
    for text in ("评审专家名单", "主要标的（名称、规格型号、数量、单价）", "联想 启天M90",
                 "质疑的提出方式和截止时间", "2027年01月11日前", "河南中原招标代理有限公司",
                 "480,000.00元"):
        assert text in table.inner_text(), text
    assert page.locator("[data-testid=notice-provisional]").is_visible()
    assert page.locator("[data-testid=provisional-badge]").count() == 1
    screenshot("result-announcement")
