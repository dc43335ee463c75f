"""A losing bidder defends its rights through the pages (issue [complaints], done when):

1. it challenges the result on the last working day of its window — a window that
   crosses a holiday — with two objections and evidence;
2. the purchaser marks that the challenge may change the result (signing of the drafted
   contract is suspended, 条例 第54条), answers it item by item, and signing resumes;
3. the bidder complains to the finance bureau on the matters it challenged; the bureau
   asks once for corrections (the review clock pauses, and resumes when the bidder
   corrects), accepts, and decides;
4. anyone, logged out, reads the decision and its PDF, whose first page is rendered to
   an image (var/screenshots/<test>/decision-page-1.png) and read back as text.

The calendar: the years involved are loaded from the ``chinese-calendar`` package, with
a working day three working days before today declared a holiday (and today a working
day, should the test run on a weekend): the award is confirmed through the services so
that, counted on that calendar, the 7 working days after the result announcement end
today. The filing itself happens at the real time, through the server's clock.
"""

import datetime as dt
import os
import subprocess

import pytest
from django.utils import timezone

from complaints.models import Challenge, Complaint, ComplaintPause
from contracts.tests.factories import ContractFactory
from contracts.tests.fixtures import award_lot, terms
from deadlines.models import Deadline
from procurement.models import Announcement
from procurement.tests.fixtures import PDF
from tests.conftest import SCREENSHOT_DIR, login, logout, restore_reference_data
from workdays.services import calendar_year_load, package_year_days, subtract_workdays

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLIDAY = "测试假日"


@pytest.fixture
def reference(transactional_db):
    restore_reference_data()


def _load_calendar(today: dt.date) -> tuple[dt.date, dt.date]:
    """Load the calendar with today a working day and a holiday inside the window;
    return (the holiday, the day the result announcement is published)."""
    extra: dict = {today: ("workday", "测试调休")}

    def load():
        for year in {today.year - 1, today.year}:
            days = {d: (k, n) for d, k, n in package_year_days(year)}
            days.update({d: v for d, v in extra.items() if d.year == year})
            if days:
                calendar_year_load(year=year, days=[(d, k, n) for d, (k, n) in days.items()],
                                   source="test")

    load()
    holiday = subtract_workdays(today, 3)
    extra[holiday] = ("holiday", HOLIDAY)
    load()
    result_end = subtract_workdays(today, 7)      # the window: 7 WD after this day
    assert result_end < holiday < today
    return holiday, subtract_workdays(result_end, 1)  # the result period is 1 WD


def _submit(page, testid):
    page.get_by_test_id(testid).click()
    page.wait_for_load_state("networkidle")


def test_challenge_answer_complaint_decision_through_the_pages(
        reference, opened, alice, supervisor, password, live_server, page, screenshot,
        tmp_path, request):
    url = live_server.url
    today = timezone.localdate()
    holiday, published = _load_calendar(today)
    lot, bidders = opened
    award = award_lot(lot, alice, now=timezone.make_aware(
        dt.datetime.combine(published, dt.time(10, 0))))
    contract = ContractFactory(award=award, drafted_by=alice,
                               drafted_at=award.confirmed_at + dt.timedelta(hours=1),
                               **terms())
    result = Announcement.objects.get(project=lot.project, kind="result")
    assert result.fields["challenge"]["end"] == today.isoformat()
    assert result.fields["challenge"]["start"][:10] < holiday.isoformat() < today.isoformat()
    loser = bidders[1].memberships.get().user
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)

    # 1. The last working day of the window: the result notice shows it closing today.
    login(page, live_server, loser.username, password)
    page.goto(f"{url}/notices/{result.pk}/")
    window = page.get_by_test_id(f"window-result-{lot.number}").inner_text()
    assert today.isoformat() in window, window
    screenshot("windows")
    page.get_by_test_id("challenge-link").click()
    form = page.get_by_test_id("challenge-form")
    form.locator("select[name=trigger]").select_option("result")
    form.locator("input[name=contact_name]").fill("赵质疑")
    form.locator("input[name=contact_phone]").fill("0374-5550001")
    for n, (ground, facts) in enumerate([
            ("87号令 第61条", "中标供应商的业绩证明不实，不应通过资格审查。"),
            ("87号令 第62条", "评分时未按采购文件规定的标准计算技术分。")]):
        row = page.get_by_test_id(f"objection-row-{n + 1}")
        row.locator(f"select[name=objections-{n}-relates_to]").select_option("award")
        row.locator(f"textarea[name=objections-{n}-legal_ground], "
                    f"input[name=objections-{n}-legal_ground]").fill(ground)
        row.locator(f"textarea[name=objections-{n}-facts]").fill(facts)
        row.locator(f"textarea[name=objections-{n}-remedy_requested], "
                    f"input[name=objections-{n}-remedy_requested]").fill("请求重新评审。")
    form.locator("input[name=files]").set_input_files(str(evidence))
    screenshot("challenge-form")
    _submit(page, "challenge-submit")
    challenge = Challenge.objects.get()
    assert challenge.window_closes_at.date() == today
    assert challenge.objections.count() == 2
    logout(page)

    # 2. The purchaser suspends signing, answers each item, and signing resumes.
    login(page, live_server, alice.username, password)
    page.goto(f"{url}/complaints/challenges/")
    page.get_by_role("link", name=challenge.number).click()
    _submit(page, "may-change-result")
    page.goto(f"{url}/contracts/{contract.pk}/")
    assert page.get_by_test_id("suspended").is_visible()
    screenshot("contract-suspended")
    sign_clock = Deadline.objects.get(clock="contract.sign", subject_id=str(award.pk))
    assert sign_clock.paused_at is not None
    page.goto(f"{url}/complaints/challenges/{challenge.pk}/")
    page.get_by_test_id("answer-link").click()
    answer = page.get_by_test_id("answer-form")
    for o in challenge.objections.order_by("number"):
        answer.locator(f"select[name=decision_{o.pk}]").select_option("dismissed")
        answer.locator(f"textarea[name=answer_{o.pk}]").fill(
            f"经复核，第{o.number}项质疑事项不成立：评审符合采购文件的规定。")
    answer.locator("textarea[name=summary]").fill("经复核，质疑事项均不成立，维持原中标结果。")
    answer.locator("select[name=remedy]").select_option("none")
    screenshot("answer-form")
    _submit(page, "answer-submit")
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ANSWERED
    assert challenge.objections.filter(decision="dismissed").count() == 2
    page.goto(f"{url}/contracts/{contract.pk}/")
    assert page.get_by_test_id("suspended").count() == 0
    sign_clock.refresh_from_db()
    assert sign_clock.paused_at is None
    logout(page)

    # 3. The bidder complains on both matters; the bureau asks once for corrections.
    login(page, live_server, loser.username, password)
    page.goto(f"{url}/complaints/challenges/{challenge.pk}/")
    assert page.get_by_test_id("objection-answer-1").is_visible()
    page.goto(f"{url}/complaints/complaints/")
    page.get_by_test_id(f"file-{challenge.pk}").click()
    for box in page.locator("input[name=matters]").all():
        box.check()
    page.fill("textarea[name=request]", "请求责令重新评审。")
    page.fill("textarea[name=facts]", "质疑答复未核实中标供应商的业绩证明。")
    page.set_input_files("input[name=files]", str(evidence))
    _submit(page, "submit")
    complaint = Complaint.objects.get()
    assert complaint.matters.count() == 2
    logout(page)

    login(page, live_server, supervisor.username, password)
    page.goto(f"{url}/complaints/complaints/{complaint.pk}/")
    page.fill("textarea[name=request_correction-request]", "请补充业绩证明不实的证据材料。")
    _submit(page, "do-request_correction")
    review = Deadline.objects.get(clock="complaint.review", subject_id=str(complaint.pk))
    assert review.paused_at is not None
    assert ComplaintPause.objects.get(complaint=complaint).ended_at is None
    screenshot("correction-requested")
    logout(page)

    login(page, live_server, loser.username, password)
    page.goto(f"{url}/complaints/complaints/{complaint.pk}/")
    page.fill("textarea[name=correct-facts]", "补正：附中标供应商业绩合同的查询结果。")
    _submit(page, "do-correct")
    review.refresh_from_db()
    assert review.paused_at is None
    assert ComplaintPause.objects.get(complaint=complaint).ended_at is not None
    logout(page)

    login(page, live_server, supervisor.username, password)
    page.goto(f"{url}/complaints/complaints/{complaint.pk}/")
    _submit(page, "do-accept")
    page.select_option("select[name=decide-outcome]", "dismissed")
    page.fill("textarea[name=decide-decision_text]",
              "经调查，中标供应商的业绩证明真实有效，投诉事项缺乏事实依据。")
    page.fill("input[name=decide-decision_basis]",
              "《政府采购质疑和投诉办法》第二十九条第（二）项")
    _submit(page, "do-decide")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DECIDED
    logout(page)

    # 4. The decision is public, and so is its PDF: its first page, looked at as an image.
    page.goto(f"{url}/notices/complaint-decisions/")
    page.get_by_role("link", name=complaint.number).click()
    assert "缺乏事实依据" in page.get_by_test_id("decision-text").inner_text()
    screenshot("public-decision")
    link = page.get_by_test_id("public-pdf")
    pdf = page.request.get(url + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "decision.pdf"
    path.write_bytes(pdf.body())
    png = os.path.join(SCREENSHOT_DIR, request.node.name, "decision-page-1")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(path), png], check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert complaint.number in text and "投诉处理决定书" in text.replace(" ", "")
    assert bidders[1].name in text
