"""Two journeys through the pages, as people walk them:

1. 单一来源: the purchaser drafts a single source naming the supplier, the case of 法
   第31条 and the experts' opinion; another officer approves; the publicity goes out
   (条例 第38条); another supplier objects and the purchaser dismisses the objection in
   writing; the named supplier seals its response; after the deadline the panel is drawn,
   the chair's over-budget price is refused (74号令 第43条), the record is written and
   every member signs it; the purchaser confirms the award at the agreed price.
2. A change of method after a failed tender: the re-tender waits for the finance bureau
   (法 第27条; 87号令 第43条); the bureau refuses with a reason the purchaser reads;
   revised and approved again, the bureau approves it.

The database is touched only to build the starting state (a checked demand, a failed
tender), where no person could act (the deadline moved into the past), and to read what
the assertions compare against."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organization, User
from demo.data import PASSWORD
from procurement import services
from procurement.models import (
    Award,
    CommitteeMember,
    MethodApproval,
    Project,
    SingleSource,
)
from procurement.tasks import open_project_at_deadline
from procurement.tests.factories import simple_pdf
from procurement.tests.fixtures import demand_data
from tests.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "教务管理系统升级"


def _click(page, testid):
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("load")


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _checked_demand(officer, title=TITLE):
    """A checked demand of the education bureau, its intention published 40 days ago."""
    edu = officer.memberships.get().organization
    now = timezone.now()
    line = services.budget_line_create(
        purchaser=edu, year=timezone.localdate().year, code="JY-SS-1", name="教务系统",
        amount=Decimal("800000"), source="fiscal", actor=officer)
    intention = services.intention_publish(
        purchaser=edu, title=title, summary="教务系统升级", budget=Decimal("600000"),
        expected_month=timezone.localdate(), actor=officer, now=now - dt.timedelta(days=40))
    return services.demand_create(purchaser=edu, actor=officer, budget_line=line,
                                  intention=intention, now=now,
                                  **demand_data(title=title, qualification_conditions=""))


def test_single_source_with_its_publicity_and_negotiation_to_an_award(
        demo, live_server, page, screenshot):
    url = live_server.url
    officer = User.objects.get(username="jyj_jb")
    demand = _checked_demand(officer)
    named = Organization.objects.get(memberships__user__username="gys1")

    # 1. The officer drafts the single source: supplier, case, experts' opinion.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(f"{url}/procurement/projects/create/?demand={demand.pk}")
    page.select_option("#id_method", "single_source")
    page.fill("#id_method_justification", "原教务系统由该公司开发，升级须与原系统数据和接口一致。")
    page.select_option("#id_single_source_supplier", label=named.name)
    page.select_option("#id_single_source_case", "only")
    page.fill("#id_experts", "郭振华（许昌学院，高级工程师）、林晓梅（许昌学院，副教授）")
    page.fill("#id_experts_opinion", "原系统源代码和接口协议为该公司专有，其他供应商无法完成升级。")
    page.fill("#id_lots-0-budget", "600000")
    screenshot("01-single-source-form")
    _click(page, "project-submit")
    project = Project.objects.get(title=TITLE)
    assert page.get_by_test_id("single-supplier").inner_text().startswith(named.name)
    _click(page, "action-submit")
    project_url = page.url
    screenshot("02-drafted")
    logout(page)

    login(page, live_server, "jyj_sp", PASSWORD)
    page.goto(project_url)
    _click(page, "action-approve")
    logout(page)

    # 2. The publicity: at least 5 working days, the response deadline after it.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    start = timezone.localtime().replace(second=0, microsecond=0)
    page.fill("#id_documents_from", _local(start))
    page.fill("#id_documents_until", _local(start + dt.timedelta(days=10)))
    page.fill("#id_bid_deadline", _local(start + dt.timedelta(days=25)))
    _click(page, "action-announce")
    project.refresh_from_db()
    assert project.status == "announced", page.inner_text("main")
    assert page.get_by_test_id("publicity-period").is_visible()
    screenshot("03-publicity-published")
    logout(page)

    # 3. Another supplier reads the publicity and objects; the purchaser dismisses it.
    login(page, live_server, "gys2", PASSWORD)
    page.goto(f"{url}/notices/")
    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.wait_for_load_state("load")
    body = page.get_by_test_id("notice-body").inner_text()
    for text in (named.name, named.address, "郭振华", "专有", "公示期限", "财政部门"):
        assert text in body, text
    _click(page, "publicity-link")
    page.fill("#id_reasons", "本公司也具备教务系统开发能力，可以完成数据迁移和接口对接。")
    page.set_input_files("#id_attachment", files=[{
        "name": "异议说明.pdf", "mimeType": "application/pdf", "buffer": simple_pdf()}])
    _click(page, "objection-submit")
    assert page.get_by_test_id("my-objection").is_visible()
    assert project.objections.get().status == "pending"
    screenshot("04-objection-filed")
    logout(page)

    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    objection = project.objections.get()
    page.get_by_test_id(f"objection-{objection.pk}").locator(
        "input[value=dismissed]").check()
    page.get_by_test_id(f"objection-{objection.pk}").locator("textarea").fill(
        "原系统接口协议为专有技术，异议人未取得授权，异议不成立。")
    screenshot("05-objection-decision")
    _click(page, f"objection-decide-{objection.pk}")
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    logout(page)

    # 4. The named supplier obtains the documents and seals its response.
    login(page, live_server, "gys1", PASSWORD)
    page.goto(f"{url}/notices/")
    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.wait_for_load_state("load")
    _click(page, "obtain-documents")
    _click(page, "bid-lot-1")
    page.fill("#id_price", "598000")
    page.fill("#id_brand", "华信")
    page.fill("#id_model", "EDU-3")
    page.set_input_files("#id_files", files=[{
        "name": "响应文件.pdf", "mimeType": "application/pdf", "buffer": simple_pdf()}])
    _click(page, "bid-submit")
    assert page.get_by_test_id("receipt-hash").is_visible()
    logout(page)

    # 5. The publicity and the deadline pass (moved: the world's clock cannot be).
    past = timezone.now() - dt.timedelta(seconds=1)
    SingleSource.objects.filter(project=project).update(publicity_until=past)
    Project.objects.filter(pk=project.pk).update(bid_deadline=past)
    open_project_at_deadline(project.pk)

    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    _click(page, "evaluation-1")
    _click(page, "draw-committee")
    lot = project.lots.get()
    members = list(CommitteeMember.objects.filter(committee__lot=lot).select_related("expert"))
    assert len(members) == 3  # the panel of 74号令
    logout(page)

    # 6. The chair writes the record (an over-budget price refused), all three sign.
    members.sort(key=lambda m: m.role != "chair")
    for n, member in enumerate(members):
        login(page, live_server, member.expert.username, PASSWORD)
        page.goto(f"{url}/procurement/lots/{lot.pk}/single-source/")
        if n == 0:
            page.fill("#id_points", "供应商提供了升级工作量测算和同类合同价格；协商后同意降价。")
            page.fill("#id_agreed_price", "600000.01")
            _click(page, "negotiation-save")
            assert "74号令 第43条" in page.get_by_test_id("negotiation-form").inner_text()
            screenshot("06-over-budget-refused")
            page.fill("#id_agreed_price", "585000")
            _click(page, "negotiation-save")
            assert page.get_by_test_id("agreed-price").inner_text() == "585,000.00"
        _click(page, "negotiation-sign")
        assert member.expert.display_name in page.get_by_test_id("signatures").inner_text()
        if n == len(members) - 1:
            screenshot("07-signed-by-all")
        logout(page)

    # 7. The purchaser confirms the award at the agreed price.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    _click(page, "evaluation-1")
    screenshot("08-result")
    _click(page, "confirm-winner")
    award = Award.objects.get(lot=lot)
    assert award.amount == Decimal("585000.00") and award.bid.supplier == named
    page.goto(project_url)
    assert Project.objects.get(pk=project.pk).status == "awarded"
    screenshot("09-awarded")


def test_a_change_of_method_waits_for_the_finance_bureau(demo, live_server, page,
                                                        screenshot):
    from procurement.tests.factories import ProjectFactory

    officer = User.objects.get(username="jyj_jb")
    edu = officer.memberships.get().organization
    failed = ProjectFactory(failed=True, purchaser=edu, drafted_by=officer,
                            title="实验室设备采购")
    url = live_server.url

    # 1. The officer procures the failed lot again by competitive negotiation.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(f"{url}{failed.get_absolute_url()}")
    page.select_option("#id_method", "negotiation")
    page.fill("#id_method_justification", "公开招标投标人不足三家，招标文件无不合理条款，"
                                          "拟改为竞争性谈判。")
    _click(page, "retender")
    new = Project.objects.get(retender_of=failed)
    page.select_option("#id_purpose", "reasons")
    page.set_input_files("#id_upload", files=[{
        "name": "变更采购方式申请.pdf", "mimeType": "application/pdf", "buffer": simple_pdf()}])
    _click(page, "attachment-add")
    assert "变更采购方式申请.pdf" in page.get_by_test_id("method-card").inner_text()
    _click(page, "action-submit")
    project_url = page.url
    logout(page)

    # 2. The purchaser's approver approves: the project waits for the finance bureau.
    login(page, live_server, "jyj_sp", PASSWORD)
    page.goto(project_url)
    _click(page, "action-approve")
    new.refresh_from_db()
    assert new.status == "bureau_review"
    assert page.get_by_test_id("bureau-waiting").is_visible()
    assert page.get_by_test_id("action-approve").count() == 0
    screenshot("01-waiting-for-the-bureau")
    logout(page)

    # 3. The bureau finds it in its queue and refuses, first without a reason.
    login(page, live_server, "czj_jg", PASSWORD)
    assert page.get_by_test_id("pending-approvals").inner_text() == "1"
    screenshot("02-supervision-desk")
    _click(page, "approvals-card")
    screenshot("03-queue")
    _click(page, f"approval-{new.code}")
    assert "变更采购方式申请.pdf" in page.get_by_test_id("approval-files").inner_text()
    assert "竞争性谈判" in page.get_by_test_id("approval-method").inner_text()
    page.locator("input[value=refuse]").check()
    _click(page, "decide")
    assert page.locator(".invalid-feedback, .text-danger, .alert-danger").count() >= 1
    assert MethodApproval.objects.get(project=new).status == "pending"
    page.locator("input[value=refuse]").check()
    page.fill("#id_reason", "请补充说明招标文件无不合理条款的依据，并附专家论证意见。")
    screenshot("04-refusing")
    _click(page, "decide")
    logout(page)

    # 4. The purchaser reads the reason, revises and submits again; the bureau approves.
    login(page, live_server, "jyj_jb", PASSWORD)
    page.goto(project_url)
    assert "请补充说明招标文件无不合理条款的依据" in page.get_by_test_id(
        "bureau-refusal").inner_text()
    screenshot("05-refusal-seen-by-the-purchaser")
    _click(page, "action-submit")
    logout(page)
    login(page, live_server, "jyj_sp", PASSWORD)
    page.goto(project_url)
    _click(page, "action-approve")
    logout(page)
    login(page, live_server, "czj_jg", PASSWORD)
    page.goto(f"{url}/procurement/approvals/")
    _click(page, f"approval-{new.code}")
    page.locator("input[value=approve]").check()
    _click(page, "decide")
    new.refresh_from_db()
    assert new.status == "approved"
    page.goto(project_url)
    screenshot("06-approved")
