"""The finance bureau keeps the calendar: a deadline running into 2027 is provisional
until an administrator pastes the State Council's notice; then it is recomputed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Organization
from deadlines import services
from deadlines.models import Deadline
from demo.data import PASSWORD
from tests.conftest import login
from workdays import services as workday_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CST = ZoneInfo("Asia/Shanghai")

NOTICE_2027 = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"


def test_loading_2027_recomputes_the_provisional_deadline(
    demo, live_server, page, screenshot, eager_celery
):
    workday_services.clear_cache()
    edu = Organization.objects.get(name="许昌市魏都区教育局")
    winner = Organization.objects.get(name="许昌华信科技有限公司")
    d = services.deadline_open(subject=winner, clock="contract.sign", organization=edu,
                               start=dt.datetime(2026, 12, 30, 10, 0, tzinfo=CST))
    assert d.provisional

    login(page, live_server, "czj_admin", PASSWORD)
    assert page.get_by_test_id("calendar-warning").is_visible()
    screenshot("dashboard-warning")

    page.goto(f"{live_server.url}/deadlines/")
    row = page.get_by_test_id("deadline-table").locator("tr", has_text="许昌华信科技有限公司")
    assert "2027-01-01" in row.inner_text() and "暂定" in row.inner_text()

    page.goto(f"{live_server.url}/calendar/")
    page.fill("#id_year", "2027")
    page.fill("#id_source", "国办发明电〔2026〕测试")
    page.fill("#id_text", NOTICE_2027)
    page.get_by_role("button", name="预览").click()
    preview = page.get_by_test_id("calendar-preview").inner_text()
    assert "2027-01-01" in preview and "2027-01-03" in preview
    screenshot("preview")
    page.get_by_test_id("calendar-confirm").click()
    page.wait_for_load_state("networkidle")
    assert "2027" in page.inner_text(".alert-success")

    d.refresh_from_db()
    assert not d.provisional
    assert d.due_at == dt.datetime(2027, 1, 4, 23, 59, 59, tzinfo=CST)
    page.goto(f"{live_server.url}/deadlines/")
    row = page.get_by_test_id("deadline-table").locator("tr", has_text="许昌华信科技有限公司")
    assert "2027-01-04" in row.inner_text() and "暂定" not in row.inner_text()
    screenshot("recomputed")
    # Every running clock is recomputed; one already met (the demo's decided complaint)
    # keeps the date it was met against.
    assert Deadline.objects.filter(provisional=True, status__in=["open", "overdue"]).count() == 0
