"""Each demo role logs in and finds its own workspace, in Chinese and in English."""

import pytest

from demo.data import PASSWORD
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    # username, workspace path, what the page must show (zh), heading (zh), heading (en)
    ("jyj_jb", "/purchaser/", "许昌市魏都区教育局", "采购人工作台", "Purchaser workspace"),
    ("dl_jb", "/agency/", "河南中原招标代理有限公司", "代理机构工作台", "Agency workspace"),
    ("gys1", "/supplier/", "许昌华信科技有限公司", "供应商工作台", "Supplier workspace"),
    ("zj1", "/expert/", "郭振华", "评审专家工作台", "Expert workspace"),
    ("czj_jg", "/supervision/", "许昌市魏都区财政局", "监督管理", "Supervision"),
    ("yh_jb", "/bank/", "中国工商银行股份有限公司许昌魏都支行", "银行工作台", "Bank workspace"),
]


def fits(page) -> bool:
    """No horizontal scrolling: the longer English labels must still fit the bar."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width} px wide"
    return True


@pytest.mark.parametrize(("username", "path", "shows", "zh", "en"), ROLES)
def test_each_role_logs_in_to_its_own_workspace(
    demo, live_server, page, screenshot, username, path, shows, zh, en
):
    login(page, live_server, username, PASSWORD)
    assert page.url == f"{live_server.url}{path}"
    title = page.get_by_test_id("workspace-title")
    assert shows in title.inner_text()
    body = page.inner_text("body")
    assert zh in body
    screenshot("zh")
    assert fits(page), "the page is wider than the window"

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}{path}"
    body = page.inner_text("body")
    assert en in body
    assert zh not in body
    screenshot("en")
    assert fits(page), "the English menu does not fit on one line at 1280 px"

    logout(page)
    assert page.url.rstrip("/") == live_server.url


def test_supplier_cannot_open_the_supervision_dashboard(demo, live_server, page):
    login(page, live_server, "gys1", PASSWORD)
    response = page.goto(f"{live_server.url}/supervision/")
    assert response.status == 404
