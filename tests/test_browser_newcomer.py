"""What a newcomer sees after `make run` (issue #12 point 6), in the browser: the lot
waiting for scores, members once with their roles, labels instead of codes."""

import pytest

from demo.data import PASSWORD
from demo.live import LIVE_TITLE, SCORING_TITLE
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_reads_as_words_for_each_newcomer(demo, live_server, page, screenshot):
    # A drawn expert finds the lot waiting and its scoring form.
    login(page, live_server, "zj2", PASSWORD)
    page.get_by_test_id("my-evaluations").get_by_text(SCORING_TITLE).click()
    page.wait_for_load_state("networkidle")
    assert "技术参数响应" in page.inner_text("body")
    screenshot("expert-scoring")
    logout(page)

    # The purchaser: the live tender takes bids; its staff are listed once each.
    login(page, live_server, "wjw_jb", PASSWORD)  # officer and administrator
    rows = page.get_by_test_id("member-row").filter(has_text="赵丽")
    assert rows.count() == 1 and "经办人" in rows.inner_text() and "管理员" in rows.inner_text()
    screenshot("purchaser-members")
    logout(page)
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(f"{live_server.url}/procurement/projects/")
    assert LIVE_TITLE in page.inner_text("body")
    logout(page)

    # The finance bureau: rules, audit log and calendar in words.
    login(page, live_server, "czj_jg", PASSWORD)
    for path, name, code in [("/rules/", "rules", "committee.min_members"),
                             ("/audit/", "audit", "committee.draw"),
                             ("/calendar/", "calendar", "chinese-calendar")]:
        page.goto(f"{live_server.url}{path}")
        assert code not in page.inner_text("body"), path
        screenshot(name)
