"""The portal's done-when journey (issue [disclosure]): a visitor who is not logged in
finds a tender by a Chinese phrase from its text (not its title), opens it, sees the
budget and the procurement documents, then follows the project to its result, its
contract and a complaint decision."""

import pytest

from complaints.services import complaints as complaint_svc
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from contracts.services.signing import contract_publish
from disclosure.indexing import reindex
from procurement.models import Announcement
from tests.conftest import restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHRASE = "三年原厂质保"  # in the tender's technical requirements, not in any title


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


@pytest.fixture
def life(reference, opened, signed, alice, supervisor):
    """One project from its tender to a published contract and a decided complaint."""
    lot, bidders = opened
    project = lot.project
    contract_publish(contract=signed, actor=alice)
    challenger = bidders[1]
    user = challenger.memberships.get().user
    ch = make_challenge(project, challenger)
    complaint = complaint_svc.complaint_file(
        challenge=ch, complainant=challenger, user=user,
        matters=[o.pk for o in ch.objections.all()], request="请求责令重新评审。",
        facts="中标供应商提供虚假业绩材料。", files=[pdf_upload()])
    complaint_svc.complaint_accept(complaint=complaint, user=supervisor)
    complaint_svc.complaint_decide(complaint=complaint, outcome="dismissed",
                                   decision_text="经调查，投诉事项缺乏事实依据。",
                                   decision_basis="94号令 第29条", user=supervisor)
    reindex()
    return project


def test_a_visitor_follows_a_tender_from_search_to_its_complaint_decision(
        life, live_server, page, screenshot):
    project = life
    tender = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    assert PHRASE in tender.body and PHRASE not in tender.title

    page.goto(f"{live_server.url}/")
    box = page.get_by_test_id("search-box").locator("input[name=q]")
    box.fill(PHRASE)
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    screenshot("search")
    results = page.get_by_test_id("notice-list")
    assert PHRASE in results.locator("mark").first.inner_text() or \
        PHRASE in results.inner_text()
    results.get_by_role("link", name=tender.title).click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_test_id("notice-title").inner_text() == tender.title
    assert page.get_by_test_id("documents-budget").inner_text().startswith(
        f"{project.budget:,.2f}")
    assert PHRASE in page.get_by_test_id("documents-technical").inner_text()
    assert page.get_by_test_id("documents-pdf").is_visible()
    screenshot("tender")

    page.get_by_test_id("project-notice-result").first.click()
    page.wait_for_load_state("networkidle")
    assert "中标（成交）结果公告" in page.get_by_test_id("notice-title").inner_text()
    screenshot("result")

    page.get_by_test_id("project-notice-contract").first.click()
    page.wait_for_load_state("networkidle")
    assert "合同" in page.get_by_test_id("notice-title").inner_text()
    screenshot("contract")

    page.get_by_test_id("project-notice-complaint-decision").first.click()
    page.wait_for_load_state("networkidle")
    assert "经调查，投诉事项缺乏事实依据。" in page.content()
    screenshot("complaint-decision")
