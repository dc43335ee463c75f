"""A supplier registers free of charge in the browser; a bad credit code is refused."""

import pytest

from accounts.models import Organization, User
from accounts.tests.factories import make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page, credit_code):
    page.fill("#id_name", "许昌春雨信息技术有限公司")
    page.fill("#id_credit_code", credit_code)
    page.get_by_label("小型企业").check()  # a radio in the "企业规模" fieldset
    page.fill("#id_address", "许昌市魏都区春雨路 1 号")
    page.fill("#id_contact_name", "钱春雨")
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_username", "chunyu")
    page.fill("#id_real_name", "钱春雨")
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_password1", "Chunyu-pass-2026")
    page.fill("#id_password2", "Chunyu-pass-2026")
    page.get_by_test_id("register-submit").click()
    page.wait_for_load_state("networkidle")


def test_invalid_code_is_refused_then_a_valid_one_registers(live_server, page, screenshot):
    page.goto(f"{live_server.url}/accounts/register/")
    assert "免费" in page.inner_text("body")
    screenshot("form")

    good = make_credit_code(4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    _fill(page, bad)
    error = page.get_by_test_id("error-credit_code")
    assert "校验码" in error.inner_text()
    # The field names its help and its error; assistive technology reads both with it.
    field = page.locator("#id_credit_code")
    assert field.get_attribute("aria-describedby") == \
        "id_credit_code_helptext id_credit_code_error"
    assert field.get_attribute("aria-invalid") == "true"
    assert "校验码" in page.locator("#id_credit_code_error").inner_text()
    # The scale is a group of radios with its question as the legend; the choice is kept.
    assert page.get_by_role("group", name="企业规模").is_visible()
    assert page.get_by_label("小型企业").is_checked()
    assert page.input_value("#id_name") == "许昌春雨信息技术有限公司"  # nothing typed is lost
    assert not Organization.objects.exists() and not User.objects.exists()
    screenshot("refused")

    page.fill("#id_credit_code", good)
    page.fill("#id_password1", "Chunyu-pass-2026")
    page.fill("#id_password2", "Chunyu-pass-2026")
    page.get_by_test_id("register-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/supplier/")
    assert "许昌春雨信息技术有限公司" in page.get_by_test_id("workspace-title").inner_text()
    org = Organization.objects.get(credit_code=good)
    assert org.scale == "small" and org.kind == "supplier"
    screenshot("registered")
