"""Demo 询问, 质疑, 投诉, mediation and penalties, so that every complaints page has
something to show. All of it goes through the services (with past ``now=`` where the
statute needs time to have passed), as ``demo.contracts`` does:

- the earlier tender's lot 1 (student desks, awarded eight working days ago): two losing
  bidders challenged the result the day its challenge period opened, and the education
  bureau answered both (published on /notices/challenge-answers/). 河南明远教育装备
  complained to the finance bureau, which accepted the complaint three working days ago:
  the education bureau's written reply (94号令 第22条) and the bureau's decision are
  awaited on their clocks. 许昌博雅办公用品商行's complaint was decided (dismissed)
  yesterday: its decision and PDF are on /notices/complaint-decisions/;
- the health commission's tender now on the portal: 许昌康宁医疗器械 asked a question
  today, which the agency answered;
- lot 1's contract (accepted, invoiced): the supplier asked the finance bureau to mediate
  a dispute over the acceptance;
- the agency 河南中原招标代理 was given a warning (法 第71条, on /notices/penalties/),
  and 河南绿源物业服务 — in no demo tender — was barred for a year for false materials in
  an earlier procurement (on /notices/bad-behaviour/ too).

Each piece is skipped when it exists already: a second run adds nothing."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from complaints.models import Challenge, Complaint, Inquiry, Mediation, Penalty
from complaints.services import challenges, credit, inquiries, mediation
from complaints.services import complaints as complaint_services
from complaints.windows import challenge_windows, window_for
from contracts.models import Contract
from procurement.models import Project
from workdays.services import add_workdays, subtract_workdays

from .contracts import PDF, TITLE, admin_of, at

PENALTY_NUMBER = "魏财采罚〔2026〕3号"
DEBARMENT_NUMBER = "魏财采罚〔2026〕1号"
INQUIRY_PROJECT = "社区卫生服务中心医疗设备采购"


def seed(orgs: dict) -> None:
    project = Project.objects.filter(purchaser=orgs["edu"], title=TITLE).first()
    if project is not None:
        _challenges_and_complaints(project, orgs)
        _mediation(project, orgs)
    _inquiry(orgs)
    _penalty(orgs)


# --- 质疑 and 投诉 ------------------------------------------------------------------------

def _challenge(project, lot, supplier, facts, *, filed_at):
    return challenges.challenge_file(
        project=project, supplier=supplier, user=admin_of(supplier), trigger="result",
        objections=[{"relates_to": "award", "lot": lot, "legal_ground": "87号令 第64条",
                     "facts": facts, "remedy_requested": "责令重新组织评审"}],
        contact_name=supplier.contact_name, contact_phone=supplier.contact_phone,
        files=[complaint_services.Upload("质疑证据.pdf", PDF)], now=filed_at)


def _answer(challenge, officer, answer, *, now):
    return challenges.challenge_answer(
        challenge=challenge, user=officer, organization=challenge.project.purchaser,
        answers=[{"objection": o, "decision": "dismissed", "answer": answer}
                 for o in challenge.objections.all()],
        summary="经复核，质疑事项不成立，维持原评审结果。", remedy="none", now=now)


def _challenges_and_complaints(project, orgs):
    if Challenge.objects.filter(project=project).exists():
        return
    officer = User.objects.get(username="jyj_jb")
    bureau_officer = User.objects.get(username="czj_jg")
    lot = project.lots.get(number=1)
    s2, s5 = orgs["s2"], orgs["s5"]
    # The result's challenge period opens after the result notice's period.
    window = window_for(challenge_windows(project=project, supplier=s2, now=timezone.now()),
                        trigger="result", lot=lot)
    day = timezone.localtime(window.opened_at).date()
    filed = at(add_workdays(day, 1), 9, 30)
    first = _challenge(project, lot, s2,
                       "中标人许昌新程家具制造有限公司投标文件中的两项同类业绩合同金额与"
                       "公开信息不符，评标委员会未予核实即给予满分。", filed_at=filed)
    second = _challenge(project, lot, s5,
                        "评标委员会对我公司课桌椅样品的技术评分明显偏低，评分理由与"
                        "检测报告不符。", filed_at=filed + dt.timedelta(hours=2))
    answered = at(add_workdays(filed.date(), 1), 15)
    _answer(first, officer, "经向合同相对方核实，中标人所列业绩真实，合同金额与合同原件一致，"
                            "评分符合采购文件规定。", now=answered)
    _answer(second, officer, "经组织原评标委员会复核，技术评分依据采购文件评分标准作出，"
                             "未发现评分错误。", now=answered + dt.timedelta(minutes=30))

    filed_complaints = at(add_workdays(answered.date(), 1), 10)
    accepted = at(add_workdays(filed_complaints.date(), 1), 10)
    under_review = _complaint(
        first, s2, request="请求财政部门责令采购人组织重新评审。",
        facts="采购人的质疑答复仅称业绩真实，未说明核实方式；我公司掌握的合同公示信息显示"
              "两项业绩合同金额均低于采购文件要求。",
        now=filed_complaints)
    complaint_services.complaint_accept(complaint=under_review, user=bureau_officer,
                                        now=accepted)

    decided = _complaint(
        second, s5, request="请求认定技术评分违法，责令重新评审。",
        facts="评标委员会对我公司样品技术评分低于检测报告结论，评分不公。",
        now=filed_complaints + dt.timedelta(hours=1))
    complaint_services.complaint_accept(complaint=decided, user=bureau_officer,
                                        now=accepted + dt.timedelta(hours=1))
    complaint_services.complaint_reply(
        complaint=decided, user=officer, organization=project.purchaser,
        text="技术评分由评标委员会依据采购文件评分标准独立作出，样品检测报告仅证明产品符合"
             "国家标准，不等于技术参数最优；评分过程有记录可查。",
        files=[complaint_services.Upload("评分复核记录.pdf", PDF)],
        now=accepted + dt.timedelta(days=1))
    complaint_services.complaint_decide(
        complaint=decided, outcome=Complaint.Outcome.DISMISSED, user=bureau_officer,
        decision_text="经调取评审资料并询问评标委员会成员，技术评分依据采购文件评分标准作出，"
                      "评分理由记录完整；投诉人所称评分不公缺乏事实依据。",
        decision_basis="《政府采购质疑和投诉办法》第二十九条第（二）项",
        now=at(subtract_workdays(timezone.localdate(), 1), 16))


def _complaint(challenge, supplier, *, request, facts, now):
    return complaint_services.complaint_file(
        challenge=challenge, complainant=supplier, user=admin_of(supplier),
        matters=[o.pk for o in challenge.objections.all()], request=request, facts=facts,
        files=[complaint_services.Upload("投诉证据.pdf", PDF)], now=now)


# --- mediation, 询问, penalty ---------------------------------------------------------

def _mediation(project, orgs):
    contract = (Contract.objects.filter(award__lot__project=project,
                                        status=Contract.Status.ACCEPTED).first())
    if contract is None or Mediation.objects.filter(contract=contract).exists():
        return
    mediation.mediation_request(
        contract=contract, applicant=contract.supplier, user=admin_of(contract.supplier),
        subject="acceptance",
        claim="验收抽检中有3套课桌椅漆面轻微划伤，采购人要求扣减尾款5%。我公司已当场更换"
              "问题产品，请求调解，按合同约定支付尾款。",
        now=timezone.now() - dt.timedelta(hours=2))


def _inquiry(orgs):
    project = Project.objects.filter(title=INQUIRY_PROJECT).first()
    asker = orgs["s3"]
    if project is None or Inquiry.objects.filter(project=project, supplier=asker).exists():
        return
    asked = timezone.now() - dt.timedelta(hours=1)
    inquiry = inquiries.inquiry_ask(
        project=project, supplier=asker, user=admin_of(asker),
        question="采购文件要求“设备须取得医疗器械注册证”，进口设备的注册证是否须以投标人名义"
                 "取得？代理商能否提供生产厂家的注册证复印件？",
        now=asked)
    agency = project.agency or project.purchaser
    inquiries.inquiry_answer(
        inquiry=inquiry, user=admin_of(agency), organization=agency,
        answer="注册证由医疗器械注册人持有，投标人可提供注册人的注册证复印件并加盖投标人公章，"
               "同时提供注册人的授权书。",
        now=asked + dt.timedelta(minutes=40))


def _penalty(orgs):
    bureau_officer = User.objects.get(username="czj_jg")
    if not Penalty.objects.filter(decision_number=DEBARMENT_NUMBER).exists():
        decided = at(subtract_workdays(timezone.localdate(), 40), 10)
        credit.penalty_record(
            subject=orgs["s6"], kind=Penalty.Kind.DEBARMENT, decision_number=DEBARMENT_NUMBER,
            facts="在魏都区机关办公楼物业管理服务项目中提供虚假的项目经理社保缴纳证明，"
                  "谋取中标。",
            basis="《中华人民共和国政府采购法》第七十七条第一款第（一）项",
            amount=None, decided_at=decided, effective_from=decided,
            effective_until=credit.years_later(decided, 1), user=bureau_officer,
            now=decided + dt.timedelta(hours=2))
    if Penalty.objects.filter(decision_number=PENALTY_NUMBER).exists():
        return
    decided = at(subtract_workdays(timezone.localdate(), 5), 10)
    # A warning is the penalty of 法 第71条 for a purchaser or an agency (suppliers' are
    # those of 法 第77条): the agency, for a discriminatory qualification it had to correct.
    credit.penalty_record(
        subject=orgs["agency"], kind=Penalty.Kind.WARNING, decision_number=PENALTY_NUMBER,
        facts="在魏都区机关办公设备采购项目中，将供应商在本地设有服务网点作为资格条件，以不"
              "合理的条件对供应商实行差别待遇，经责令限期改正后已修改采购文件。",
        basis="《中华人民共和国政府采购法》第七十一条第（三）项",
        amount=None, decided_at=decided, effective_from=decided, effective_until=None,
        user=bureau_officer)
