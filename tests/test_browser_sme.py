"""SMEs on the pages: the bid form asks each item's maker and the maker's scale (the
中小企业声明函), and the supervision desk shows each purchaser's reserved share by year
and the lots left unreserved with their reasons (财库〔2020〕46号)."""

import pytest

from demo.data import PASSWORD
from demo.live import LIVE_TITLE
from procurement.models import Project
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bid_form_and_the_supervision_desk(demo, live_server, page, screenshot):
    url = live_server.url
    project = Project.objects.exclude(title=LIVE_TITLE).get(status="announced")
    lot = project.lots.get()
    item = lot.items.first()
    login(page, live_server, "gys3", PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/bid/")
    page.fill(f"#id_maker_{item.pk}", "许昌小微医疗器械有限公司")
    page.select_option(f"#id_maker_scale_{item.pk}", "micro")
    assert page.locator(f"#id_maker_scale_{item.pk}").input_value() == "micro"
    screenshot("1-bid-form-declaration")
    logout(page)

    login(page, live_server, "czj_jg", PASSWORD)
    page.goto(f"{url}/supervision/")
    assert page.get_by_test_id("sme-shares").is_visible()
    assert page.get_by_test_id("sme-not-reserved").is_visible()
    page.get_by_test_id("sme-shares").scroll_into_view_if_needed()
    screenshot("2-supervision-desk")
