"""A complaint in the browser: the challenger files it, the finance bureau accepts and
decides it from its queue, and anyone reads the published decision."""

import pytest

from complaints.models import Complaint
from complaints.tests.factories_complaints import PDF
from complaints.tests.factories_complaints import challenge as make_challenge
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


def test_a_complaint_from_filing_to_the_published_decision(reference, opened, supervisor,
                                                           password, live_server, page,
                                                           screenshot, tmp_path):
    lot, bidders = opened
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(lot.project, challenger)
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)

    login(page, live_server, user.username, password)
    page.goto(f"{live_server.url}/complaints/complaints/")
    page.get_by_test_id(f"file-{ch.pk}").click()
    for box in page.locator("input[name=matters]").all():
        box.check()
    page.fill("textarea[name=request]", "请求责令重新评审。")
    page.fill("textarea[name=facts]", "中标供应商提供虚假业绩材料，质疑答复未予核实。")
    page.set_input_files("input[name=files]", str(evidence))
    screenshot("file-form")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    complaint = Complaint.objects.get()
    assert page.get_by_test_id("complaint-number").inner_text() == complaint.number
    assert page.get_by_test_id("clock-complaint.review").is_visible()
    screenshot("complainant-detail")
    logout(page)

    login(page, live_server, supervisor.username, password)
    page.goto(f"{live_server.url}/complaints/complaints/")
    screenshot("queue")
    page.get_by_role("link", name=complaint.number).click()
    page.get_by_test_id("do-accept").click()
    page.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.status == "accepted"
    page.select_option("select[name=decide-outcome]", "dismissed")
    page.fill("textarea[name=decide-decision_text]", "经调查，中标供应商的业绩证明真实有效。")
    page.fill("input[name=decide-decision_basis]", "《政府采购质疑和投诉办法》第二十九条")
    screenshot("bureau-detail")
    page.get_by_test_id("do-decide").click()
    page.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.status == "decided"
    assert page.get_by_test_id("decision").is_visible()
    logout(page)

    page.goto(f"{live_server.url}/notices/complaint-decisions/")
    page.get_by_role("link", name=complaint.number).click()
    assert "业绩证明真实有效" in page.get_by_test_id("decision-text").inner_text()
    screenshot("public-decision")
