"""The whole procurement path as people walk it, through the pages only: a budget, a
demand refused then passed, a project approved by a second officer and announced,
three sealed bids, the opening, the committee's reviews and scores, the chair's report,
the purchaser's award with its notice PDF, and a losing bidder's score and rank.

The database is touched only where no person could act — moving the bid deadline into
the past — and to read what the assertions compare against."""

import datetime as dt
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from demo.data import EXPERTS, PASSWORD
from procurement.models import Award, Bid, EvaluationResult, Project
from procurement.tasks import open_project_at_deadline
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CST = ZoneInfo("Asia/Shanghai")
TITLE = "智慧教室交互设备采购"

# Three bidders from the demo district, prices within 5 % of each other (none abnormally
# low), different brands (no same-brand merging) and files.
BIDDERS = {
    "gys1": {"name": "许昌华信科技有限公司", "price": "380000.00", "shown": "380,000.00",
             "brand": "希沃", "model": "MC86FEA", "technical": 40, "commercial": 15},
    "gys2": {"name": "河南明远教育装备有限公司", "price": "372000.50", "shown": "372,000.50",
             "brand": "鸿合", "model": "HD-I8675E", "technical": 45, "commercial": 18},
    "gys8": {"name": "河南智慧校园网络工程有限公司", "price": "365000.00", "shown": "365,000.00",
             "brand": "皓丽", "model": "H86", "technical": 36, "commercial": 13},
}
WINNER, LOSER = "gys2", "gys1"
EXPERT_BY_NAME = {e[1]: e[0] for e in EXPERTS}


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M")


def _click(page, testid):
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("load")


def _pdf(supplier: str) -> bytes:
    return (b"%PDF-1.7\n1 0 obj << /Title (" + supplier.encode() + b") >> endobj\n"
            b"trailer\n%%EOF\n")


def _row(page, table, text):
    return page.get_by_test_id(table).locator("tbody tr", has_text=text)


def test_budget_to_award_through_the_pages(demo, live_server, page, screenshot, tmp_path):
    url = live_server.url
    year = str(timezone.localdate().year)

    # 1. The purchaser's officer records a budget line.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(f"{url}/procurement/budgets/")
    page.fill("#id_year", year)
    page.fill("#id_code", f"{year}-JY-901")
    page.fill("#id_name", "智慧教室设备")
    page.fill("#id_amount", "500000")
    _click(page, "budget-submit")
    assert f"{year}-JY-901" in page.get_by_test_id("budget-table").inner_text()
    screenshot("01-budget")

    # 2. A demand asking for a local branch is refused with the rule cited; fixed, it passes.
    page.goto(f"{url}/procurement/demands/create/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_budget_line", label=f"{year} {year}-JY-901 智慧教室设备")
    page.select_option("#id_intention", index=1)
    page.fill("#id_technical_requirements", "86英寸交互式智能平板20台，含OPS电脑模块和移动支架。")
    page.fill("#id_qualification_conditions", "投标人须在本地设有分支机构")
    page.select_option("#id_evaluation_method", "scoring")
    page.fill("#id_items-0-name", "交互式智能平板")
    page.fill("#id_items-0-catalog_code", "A02010105")
    page.fill("#id_items-0-quantity", "20")
    page.fill("#id_items-0-unit", "台")
    _click(page, "demand-submit")
    error = page.get_by_test_id("error-qualification_conditions").inner_text()
    assert "春风行动" in error
    assert page.input_value("#id_criteria-1-weight") == "50"  # the scoring factors are kept
    screenshot("02-demand-refused")

    page.fill("#id_qualification_conditions", "具备所投产品的原厂授权或合法供货渠道证明。")
    _click(page, "demand-submit")
    assert page.get_by_test_id("demand-title").inner_text() == TITLE
    assert page.get_by_test_id("finding").count() == 0  # passed, no warnings
    screenshot("03-demand-passed")

    # 3. A project from the demand; submitted; a second officer approves; announced.
    _click(page, "project-new")
    page.fill("#id_lots-0-budget", "400000")
    page.fill("#id_lots-0-ceiling_price", "390000")
    _click(page, "project-submit")
    _click(page, "action-submit")
    assert page.get_by_test_id("action-approve").count() == 0
    project_url = page.url
    screenshot("04-project-submitted")
    logout(page)

    login(page, live_server, "jyj_sp", PASSWORD)
    page.goto(project_url)
    _click(page, "action-approve")
    screenshot("05-project-approved")
    logout(page)

    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    start = timezone.localtime().replace(second=0, microsecond=0)  # documents out now
    page.fill("#id_documents_from", _local(start))
    page.fill("#id_documents_until", _local(start + dt.timedelta(days=10)))
    page.fill("#id_bid_deadline", _local(start + dt.timedelta(days=25)))
    _click(page, "action-announce")
    project = Project.objects.get(title=TITLE)
    assert project.status == "announced" and project.approved_by.username == "jyj_sp"
    screenshot("06-announced")
    logout(page)

    # 4. Three suppliers find the notice, obtain the documents and seal their bids.
    for username, bid in BIDDERS.items():
        login(page, live_server, username, PASSWORD)
        page.goto(f"{url}/notices/")
        page.get_by_role("link", name=re.compile(TITLE)).first.click()
        page.wait_for_load_state("load")
        _click(page, "obtain-documents")
        assert page.locator(".alert-success").count() == 1
        _click(page, "bid-lot-1")
        page.fill("#id_price", bid["price"])
        page.fill("#id_brand", bid["brand"])
        page.fill("#id_model", bid["model"])
        page.set_input_files("#id_files", files=[
            {"name": f"投标文件-{username}.pdf", "mimeType": "application/pdf",
             "buffer": _pdf(username)}])
        if username == "gys1":
            screenshot("07-bid-form")
        _click(page, "bid-submit")
        assert page.get_by_test_id("receipt-hash").inner_text() == Bid.objects.get(
            lot__project=project, supplier__memberships__user__username=username
        ).receipt_sha256
        screenshot(f"08-receipt-{username}")
        logout(page)

    # 5. The deadline passes (moved: the world's clock cannot be); the lot opens.
    Project.objects.filter(pk=project.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    open_project_at_deadline(project.pk)  # what the worker runs at the deadline (its ETA)
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    page.locator("a[href$='/opening/']").first.click()
    page.wait_for_load_state("load")
    table = page.get_by_test_id("opening-table").inner_text()
    for bid in BIDDERS.values():
        assert bid["name"] in table and bid["shown"] in table
    screenshot("09-opening-table")

    # 6. The purchaser draws the committee and reviews the qualifications.
    page.goto(project_url)
    _click(page, "evaluation-1")
    _click(page, "draw-committee")
    committee = page.inner_text("main")
    members = [name for name in EXPERT_BY_NAME if name in committee]
    chair = next(name for name in members if re.search(rf"{name}\s*\(", committee))
    assert len(members) == 5, committee
    screenshot("10-committee-drawn")
    for bid in BIDDERS.values():
        _row(page, "review-table", bid["name"]).locator(
            "[data-testid^=review-qualification-]").click()
        page.wait_for_load_state("load")
    for bid in BIDDERS.values():
        assert "通过" in _row(page, "review-table", bid["name"]).locator("td").nth(2).inner_text()
    screenshot("11-qualification-reviewed")
    logout(page)

    # Each member, the chair last, reviews compliance and scores from the expert workspace.
    for n, name in enumerate(sorted(members, key=lambda m: m == chair)):
        login(page, live_server, EXPERT_BY_NAME[name], PASSWORD)
        assert page.get_by_test_id("workspace-title").inner_text() == name
        if n == 0:
            screenshot("12-expert-workspace")
        page.get_by_test_id("my-evaluations").get_by_role("link", name=re.compile(TITLE)).click()
        page.wait_for_load_state("load")
        for bid in BIDDERS.values():
            _row(page, "review-table", bid["name"]).locator(
                "[data-testid^=review-compliance-]").click()
            page.wait_for_load_state("load")
            row = _row(page, "review-table", bid["name"])
            row.locator("label:has-text('≤50') input").fill(str(bid["technical"] - n % 2))
            row.locator("label:has-text('≤20') input").fill(str(bid["commercial"]))
            row.locator("[data-testid^=score-save-]").click()
            page.wait_for_load_state("load")
            assert page.locator(".alert-success").count() == 1, page.inner_text("main")
        if n == 0:
            screenshot("13-member-scored")
        if name == chair:
            screenshot("14-chair-before-report")
            _click(page, "submit-report")
            assert page.get_by_test_id("results-table").is_visible()
            screenshot("15-chair-report")
        logout(page)

    # 7. The purchaser confirms the first-ranked bidder and downloads the award notice.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    _click(page, "evaluation-1")
    first = _row(page, "results-table", BIDDERS[WINNER]["name"])
    assert first.locator("td").first.inner_text().strip() == "1"
    screenshot("16-results")
    _click(page, "confirm-winner")
    award = Award.objects.get(lot__project=project)
    assert award.bid.supplier.name == BIDDERS[WINNER]["name"]
    screenshot("17-winner-confirmed")
    link = page.get_by_test_id("award-notice-link")
    with page.expect_download() as download_info:  # served as an attachment
        link.click()
    pdf_path = tmp_path / "award-notice.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True,
                          capture_output=True, text=True).stdout
    compact = re.sub(r"\s+", "", text)
    assert BIDDERS[WINNER]["name"] in compact, text
    assert f"¥{BIDDERS[WINNER]['shown']}" in compact, text
    assert "叁拾柒万贰仟元伍角整" in compact, text
    logout(page)

    # 8. A losing bidder sees its own score and rank on its bid page.
    login(page, live_server, LOSER, PASSWORD)
    page.goto(f"{url}/procurement/bids/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state("load")
    mine = EvaluationResult.objects.get(bid__lot__project=project,
                                        bid__supplier__name=BIDDERS[LOSER]["name"])
    assert page.get_by_test_id("my-score").inner_text() == str(mine.total)
    assert page.get_by_test_id("my-rank").inner_text() == str(mine.rank) == "2"
    assert page.get_by_test_id("bid-status").inner_text() == "未中标（成交）"
    screenshot("18-loser-result")
