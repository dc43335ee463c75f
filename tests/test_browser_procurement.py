"""A purchaser's officer records a budget, drafts a demand (refused when it asks for a
local branch), creates a project that a second officer approves, and publishes the
tender announcement, which the public then reads."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from demo.data import PASSWORD
from procurement.models import Announcement, Demand, Project
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CST = ZoneInfo("Asia/Shanghai")


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M")


def test_budget_to_published_tender(demo, live_server, page, screenshot):
    url = live_server.url
    login(page, live_server, "jyj_jb", PASSWORD)

    # 1. A budget line.
    page.goto(f"{url}/procurement/budgets/")
    page.fill("#id_year", "2026")
    page.fill("#id_code", "2026-JY-777")
    page.fill("#id_name", "多媒体教室设备")
    page.fill("#id_amount", "500000")
    page.get_by_test_id("budget-submit").click()
    page.wait_for_load_state("networkidle")
    assert "2026-JY-777" in page.get_by_test_id("budget-table").inner_text()
    screenshot("1-budget")

    # 2. A demand asking for a local branch is refused, citing the rule; text is kept.
    page.goto(f"{url}/procurement/demands/create/")
    page.fill("#id_title", "多媒体教室设备采购")
    page.select_option("#id_budget_line", label="2026 2026-JY-777 多媒体教室设备")
    page.select_option("#id_intention", index=1)
    page.fill("#id_technical_requirements", "交互式智能平板20台，不低于86英寸。")
    page.fill("#id_qualification_conditions", "投标人须在许昌市设立售后服务网点")
    page.fill("#id_items-0-name", "交互式智能平板")
    page.fill("#id_items-0-catalog_code", "A02010105")
    page.fill("#id_items-0-quantity", "20")
    page.fill("#id_items-0-unit", "台")
    page.get_by_test_id("demand-submit").click()
    page.wait_for_load_state("networkidle")
    error = page.get_by_test_id("error-qualification_conditions").inner_text()
    assert "春风行动" in error
    assert page.input_value("#id_items-0-name") == "交互式智能平板"
    assert not Demand.objects.filter(title="多媒体教室设备采购").exists()
    screenshot("2-demand-refused")

    page.fill("#id_qualification_conditions", "")
    page.get_by_test_id("demand-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("demand-title").inner_text() == "多媒体教室设备采购"
    screenshot("3-demand-passed")

    # 3. A project from it, submitted for approval.
    page.get_by_test_id("project-new").click()
    page.fill("#id_lots-0-budget", "400000")
    page.fill("#id_lots-0-ceiling_price", "390000")
    page.get_by_test_id("project-submit").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("action-submit").click()
    page.wait_for_load_state("networkidle")
    project = Project.objects.get(title="多媒体教室设备采购")
    assert project.status == "submitted"
    assert page.get_by_test_id("action-approve").count() == 0  # an officer cannot approve
    screenshot("4-submitted")
    logout(page)

    # 4. A second officer, the approver, approves.
    login(page, live_server, "jyj_sp", PASSWORD)
    page.goto(f"{url}{project.get_absolute_url()}")
    page.get_by_test_id("action-approve").click()
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == "approved" and project.approved_by.username == "jyj_sp"
    logout(page)

    # 5. The officer publishes the announcement: first too short, then lawful.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(f"{url}{project.get_absolute_url()}")
    start = timezone.now() + dt.timedelta(minutes=30)
    page.fill("#id_documents_from", _local(start))
    page.fill("#id_documents_until", _local(start + dt.timedelta(days=10)))
    page.fill("#id_bid_deadline", _local(start + dt.timedelta(days=15)))
    page.get_by_test_id("action-announce").click()
    page.wait_for_load_state("networkidle")
    assert "法 第35条" in page.get_by_test_id("error-bid_deadline").inner_text()
    screenshot("5-deadline-refused")
    page.fill("#id_bid_deadline", _local(start + dt.timedelta(days=25)))
    page.get_by_test_id("action-announce").click()
    page.wait_for_load_state("networkidle")
    project.refresh_from_db()
    assert project.status == "announced"
    screenshot("6-announced")
    logout(page)

    # 6. The public reads it.
    notice = Announcement.objects.get(project=project, kind="tender")
    page.goto(f"{url}/notices/")
    page.get_by_text(notice.title).click()
    body = page.get_by_test_id("notice-body").inner_text()
    assert "预算金额：400,000.00元" in body and "最高限价390,000.00元" in body
    assert "不收取采购文件费" in body
    screenshot("7-public-notice")
