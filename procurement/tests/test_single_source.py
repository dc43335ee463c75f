"""单一来源 through its services: the supplier named with the reasons and the experts'
opinion (法 第31条), the publicity of 条例 第38条 with its objections, the panel's signed
negotiation record within the budget (74号令 第42–43条), the award at the agreed price."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from core.exceptions import DomainError, PermissionDenied, RuleViolation
from notifications.models import Message
from procurement import services
from procurement.announcements import missing_fields
from procurement.models import (
    Announcement,
    Award,
    Bid,
    EvaluationResult,
    Invitation,
    Lot,
    Objection,
    Project,
    SingleSource,
    SingleSourceNegotiation,
)
from procurement.services.bidding import Upload
from procurement.tests import factories
from procurement.tests.factories import simple_pdf
from procurement.tests.fixtures import CST, NOW, lots

pytestmark = pytest.mark.django_db
P = Project.Status
DEADLINE = NOW + dt.timedelta(days=10)   # Thursday 12 March, after the publicity
AFTER = NOW + dt.timedelta(days=8)       # Tuesday 10 March: the publicity has ended
SS = {"single_source_case": "only", "experts": "王教授（许昌学院，教授）、李工（高级工程师）",
      "experts_opinion": "该系统为原厂专有技术，接口协议仅原供应商掌握，只能从唯一供应商处采购。"}


@pytest.fixture
def named(bob):
    return bob.memberships.get().organization


def _create(alice, purchaser_org, demand, supplier, **over):
    data = {**SS, "single_source_supplier": supplier, **over}
    return services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title="教务系统升级",
        method="single_source", method_justification="原系统升级，须与原系统兼容。",
        lots=lots(), contact_name="李爱丽", contact_phone="0374-2961020", now=NOW, **data)


@pytest.fixture
def ss_project(alice, purchaser_org, demand, named):
    return _create(alice, purchaser_org, demand, named)


@pytest.fixture
def publicised(ss_project, alice, approver):
    services.project_submit(project=ss_project, actor=alice, now=NOW)
    services.project_approve(project=ss_project, actor=approver, now=NOW)
    services.project_announce(project=ss_project, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    ss_project.refresh_from_db()
    return ss_project


def test_the_single_source_names_its_supplier_case_and_experts(ss_project, named):
    record = ss_project.single_source
    assert (record.supplier, record.case) == (named, "only")
    assert "王教授" in record.experts and "专有技术" in record.experts_opinion
    invitation = Invitation.objects.get(project=ss_project)
    assert (invitation.supplier, invitation.source) == (named, "named")


@pytest.mark.parametrize("over, field", [
    ({"single_source_supplier": None}, "single_source_supplier"),
    ({"single_source_case": ""}, "single_source_case"),
    ({"experts_opinion": "可以"}, "experts_opinion"),
])
def test_a_single_source_without_its_reasons_is_refused(alice, purchaser_org, demand, named,
                                                        over, field):
    with pytest.raises(RuleViolation) as exc:
        _create(alice, purchaser_org, demand, named, **over)
    assert exc.value.field == field and ("法 第31条" in exc.value.basis
                                         or "条例 第38条" in exc.value.basis)
    assert not Project.objects.exists() and not SingleSource.objects.exists()


def test_the_publicity_carries_the_fields_of_article_38(finance_org, publicised, named):
    notice = publicised.announcements.get()
    assert notice.kind == Announcement.Kind.SINGLE_SOURCE
    for text in (named.name, "王教授", "专有技术", "原系统升级", "公示期限", "财政部门"):
        assert text in notice.body, text
    assert missing_fields(notice.kind, notice.fields) == []  # the statute's list
    record = publicised.single_source
    # Published Monday 2 March: five working days end with Monday 9 March.
    assert record.publicity_until.astimezone(CST) == dt.datetime(2026, 3, 10, tzinfo=CST)
    assert publicised.status == P.ANNOUNCED


def test_a_response_deadline_inside_the_publicity_is_refused(ss_project, alice, approver):
    services.project_submit(project=ss_project, actor=alice, now=NOW)
    services.project_approve(project=ss_project, actor=approver, now=NOW)
    with pytest.raises(RuleViolation) as exc:
        services.project_announce(project=ss_project, actor=alice, documents_from=NOW,
                                  documents_until=NOW + dt.timedelta(days=7),
                                  bid_deadline=NOW + dt.timedelta(days=7, hours=1), now=NOW)
    assert "条例 第38条" in exc.value.basis
    ss_project.refresh_from_db()
    assert ss_project.status == P.APPROVED and not ss_project.announcements.exists()
    assert ss_project.single_source.publicity_from is None


@pytest.fixture
def big_ss(alice, approver, purchaser_org, intention, named):
    """A single source above the open-tender threshold, approved by the unit and
    publicised: 条例 第38条 puts the publicity before the report to the finance bureau."""
    from procurement.tests.fixtures import demand_data

    line = services.budget_line_create(purchaser=purchaser_org, year=2026, code="B-9",
                                       name="大额", amount=Decimal("6000000"),
                                       source="fiscal", actor=alice)
    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=line,
                                    intention=intention, now=NOW, **demand_data())
    project = services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title="大额单一来源",
        method="single_source", method_justification="专利产品。", contact_name="a",
        contact_phone="1", now=NOW, single_source_supplier=named,
        lots=lots(Decimal("4500000"), None), **SS)
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_approve(project=project, actor=approver, now=NOW)
    project.refresh_from_db()
    # Not referred yet: the publicity runs first.
    assert project.status == P.APPROVED and not project.method_approvals.exists()
    services.project_announce(project=project, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=DEADLINE, now=NOW)
    project.refresh_from_db()
    return project


POINTS = "成本构成与同类合同价格说明，合同主要条款已协商一致。"


def _opened_with_panel(project, named, alice):
    lot = project.lots.get()
    factories.BidFactory(lot=lot, supplier=named, amount=Decimal("4400000.00"))
    factories.open_bids(lot, at=DEADLINE)
    factories.experts(5)
    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    return lot, committee.members.get(role="chair").expert


def test_a_single_source_above_the_threshold_is_reported_after_its_publicity(
        big_ss, alice, named, supervisor):
    with pytest.raises(RuleViolation) as early:
        services.single_source_report(project=big_ss, actor=alice,
                                      now=NOW + dt.timedelta(days=2))
    assert early.value.code == "publicity_running" and "条例 第38条" in early.value.basis
    assert not big_ss.method_approvals.exists()
    approval = services.single_source_report(project=big_ss, actor=alice, now=DEADLINE)
    assert approval.status == "pending" and "条例 第38条" in approval.basis
    assert "公示期内未收到异议" in approval.reasons
    # The negotiation waits for the bureau, citing its basis, and saves nothing.
    lot, chair = _opened_with_panel(big_ss, named, alice)
    with pytest.raises(RuleViolation) as waiting:
        services.single_source_negotiate(lot=lot, actor=chair, points=POINTS,
                                         agreed_price=Decimal("4300000"), now=DEADLINE)
    assert waiting.value.code == "awaits_finance_bureau"
    assert "法 第27条" in waiting.value.basis and "条例 第38条" in waiting.value.basis
    assert not SingleSourceNegotiation.objects.exists()
    services.method_approval_decide(approval=approval, actor=supervisor, decision="approve",
                                    now=DEADLINE)
    big_ss.refresh_from_db()
    assert big_ss.status == P.OPENED  # the procedure goes on where it was
    record = services.single_source_negotiate(lot=lot, actor=chair, points=POINTS,
                                              agreed_price=Decimal("4300000"), now=DEADLINE)
    assert record.agreed_price == Decimal("4300000")


def test_reported_once_and_by_the_organiser_only(big_ss, alice, charlie):
    with pytest.raises(PermissionDenied):
        services.single_source_report(project=big_ss, actor=charlie, now=DEADLINE)
    services.single_source_report(project=big_ss, actor=alice, now=DEADLINE)
    with pytest.raises(DomainError):
        services.single_source_report(project=big_ss, actor=alice, now=DEADLINE)
    assert big_ss.method_approvals.count() == 1


def test_the_bureau_refusing_the_single_source_fails_its_lots(big_ss, alice, supervisor):
    approval = services.single_source_report(project=big_ss, actor=alice, now=DEADLINE)
    services.method_approval_decide(approval=approval, actor=supervisor, decision="refuse",
                                    reason="论证不充分，应公开招标。", now=DEADLINE)
    big_ss.refresh_from_db()
    lot = big_ss.lots.get()
    assert lot.status == "failed" and "论证不充分" in lot.failure_reason
    assert big_ss.status == P.FAILED


def test_below_the_threshold_the_single_source_needs_no_report(publicised, alice):
    with pytest.raises(DomainError):
        services.single_source_report(project=publicised, actor=alice, now=DEADLINE)
    assert not publicised.method_approvals.exists()


def test_a_supplier_objects_during_the_publicity_and_is_told(publicised, charlie, alice):
    org = charlie.memberships.get().organization
    objection = services.objection_file(project=publicised, supplier=org, actor=charlie,
                                        reasons="本公司同样能够提供兼容该系统的升级服务。",
                                        attachment=Upload("说明.pdf", simple_pdf()),
                                        now=NOW + dt.timedelta(days=1))
    assert objection.status == "pending" and objection.attachment_name == "说明.pdf"
    services.objection_decide(objection=objection, actor=alice, decision="dismissed",
                              reason="经核实，该公司不具备原厂接口授权。",
                              now=NOW + dt.timedelta(days=2))
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    assert Message.objects.filter(recipient=charlie, body__contains="不具备原厂接口授权").exists()
    publicised.refresh_from_db()
    assert publicised.status == P.ANNOUNCED


def test_an_objection_after_the_publicity_is_refused(publicised, charlie):
    org = charlie.memberships.get().organization
    with pytest.raises(RuleViolation) as exc:
        services.objection_file(project=publicised, supplier=org, actor=charlie,
                                reasons="本公司同样能够提供兼容该系统的升级服务。", now=AFTER)
    assert "条例 第38条" in exc.value.basis
    assert not Objection.objects.exists()
    assert AuditEvent.objects.filter(action="objection.file_refused").count() == 1


def test_a_purchaser_cannot_object_nor_a_supplier_decide(publicised, alice, charlie):
    with pytest.raises(PermissionDenied):
        services.objection_file(project=publicised, supplier=publicised.purchaser,
                                actor=alice, reasons="我方自己提出异议，理由充分。", now=NOW)
    org = charlie.memberships.get().organization
    objection = services.objection_file(project=publicised, supplier=org, actor=charlie,
                                        reasons="本公司同样能够提供兼容该系统的升级服务。",
                                        now=NOW)
    with pytest.raises(PermissionDenied):
        services.objection_decide(objection=objection, actor=charlie, decision="dismissed",
                                  reason="自己驳回自己。", now=NOW)
    objection.refresh_from_db()
    assert objection.status == "pending"


def test_an_upheld_objection_stops_the_single_source(publicised, alice, charlie):
    org = charlie.memberships.get().organization
    objection = services.objection_file(project=publicised, supplier=org, actor=charlie,
                                        reasons="本公司同样能够提供兼容该系统的升级服务。",
                                        now=NOW)
    services.objection_decide(objection=objection, actor=alice, decision="upheld",
                              reason="经核实，存在其他合格供应商。", now=NOW + dt.timedelta(days=1))
    publicised.refresh_from_db()
    assert publicised.status == P.FAILED
    assert "条例 第38条" in publicised.lots.get().failure_reason
    # The method must change: the same method again is refused, another one goes on.
    with pytest.raises(RuleViolation) as exc:
        services.project_retender(project=publicised, actor=alice,
                                  now=NOW + dt.timedelta(days=2))
    assert "条例 第38条" in exc.value.basis
    new = services.project_retender(project=publicised, actor=alice, method="negotiation",
                                    method_justification="异议成立，改为竞争性谈判。",
                                    now=NOW + dt.timedelta(days=2))
    assert new.method == "negotiation"


@pytest.fixture
def opened_ss(publicised, named):
    lot = publicised.lots.get()
    factories.BidFactory(lot=lot, supplier=named, amount=Decimal("560000.00"))
    factories.open_bids(lot, at=DEADLINE)
    lot.refresh_from_db()
    return lot


@pytest.fixture
def panel(opened_ss, alice):
    factories.experts(3)
    return services.committee_draw(lot=opened_ss, actor=alice, now=DEADLINE)


def _chair(panel):
    return panel.members.get(role="chair").expert


def test_the_panel_has_three_members(panel):
    assert panel.members.count() == 3


def test_no_negotiation_while_an_objection_waits(panel, opened_ss, charlie):
    org = charlie.memberships.get().organization
    Objection.objects.create(project=opened_ss.project, supplier=org, filed_by=charlie,
                             filed_at=NOW, reasons="有异议，理由如下。")
    with pytest.raises(RuleViolation) as exc:
        services.single_source_negotiate(lot=opened_ss, actor=_chair(panel),
                                    points="成本构成与同类合同价格。",
                                    agreed_price=Decimal("550000"), now=DEADLINE)
    assert exc.value.code == "objections_pending" and "条例 第38条" in exc.value.basis
    assert not SingleSourceNegotiation.objects.exists()


def test_an_agreed_price_over_the_budget_is_refused(panel, opened_ss):
    with pytest.raises(RuleViolation) as exc:
        services.single_source_negotiate(lot=opened_ss, actor=_chair(panel),
                                    points="成本构成与同类合同价格。",
                                    agreed_price=Decimal("590000"), now=DEADLINE)
    assert exc.value.field == "agreed_price" and "74号令 第43条" in exc.value.basis
    assert not SingleSourceNegotiation.objects.exists()


def test_only_the_chair_writes_and_only_members_sign(panel, opened_ss, alice):
    with pytest.raises(PermissionDenied):
        services.single_source_negotiate(lot=opened_ss, actor=alice,
                                         points="成本构成与同类合同价格。",
                                         agreed_price=Decimal("550000"), now=DEADLINE)
    negotiation = services.single_source_negotiate(
        lot=opened_ss, actor=_chair(panel), points="成本构成与同类合同价格。",
        agreed_price=Decimal("550000"), now=DEADLINE)
    with pytest.raises(PermissionDenied):
        services.single_source_sign(negotiation=negotiation, expert=alice, now=DEADLINE)
    assert not negotiation.signatures.exists()


def test_signed_by_all_the_agreed_price_is_awarded(panel, opened_ss, alice, named):
    negotiation = services.single_source_negotiate(
        lot=opened_ss, actor=_chair(panel), points="供应商提供了成本构成和同类合同价格，"
                                                  "协商后同意降价。",
        agreed_price=Decimal("548000.00"), now=DEADLINE)
    members = [m.expert for m in panel.members.all()]
    for n, expert in enumerate(members):
        services.single_source_sign(negotiation=negotiation, expert=expert,
                                  now=DEADLINE + dt.timedelta(minutes=n))
        opened_ss.refresh_from_db()
        assert (opened_ss.status == Lot.Status.EVALUATING) is (n == len(members) - 1)
    negotiation.refresh_from_db()
    assert negotiation.concluded_at and negotiation.sealed_price == Decimal("560000.00")
    bid = Bid.objects.get(lot=opened_ss)
    result = EvaluationResult.objects.get(bid=bid)
    assert bid.price == Decimal("548000.00") and result.rank == 1
    assert "560000" in result.notes[0]
    with pytest.raises(DomainError):  # signed: it cannot be rewritten
        services.single_source_negotiate(lot=opened_ss, actor=members[0], points="改一改记录内容。",
                                    agreed_price=Decimal("1000"), now=DEADLINE)
    award = services.award_confirm(lot=opened_ss, bid=bid, actor=alice,
                                   now=DEADLINE + dt.timedelta(hours=2))
    assert award.amount == Decimal("548000.00") and Award.objects.get().bid.supplier == named
    opened_ss.project.refresh_from_db()
    assert opened_ss.project.status == P.AWARDED
