"""The finance bureau's approval of a method (法 第27条; 条例 第23条; 87号令 第43条):
who waits for it, who decides, and every refusal citing its basis and saving nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from core.exceptions import DomainError, PermissionDenied, RuleViolation
from notifications.models import Message
from procurement import services
from procurement.models import Lot, MethodApproval, MethodAttachment, Project
from procurement.services.bidding import Upload
from procurement.tests.factories import simple_pdf
from procurement.tests.fixtures import NOW, demand_data

pytestmark = pytest.mark.django_db
P = Project.Status
BIG = Decimal("4500000")  # above the open-tender threshold of goods (4,000,000)


@pytest.fixture
def big_demand(alice, purchaser_org, intention):
    line = services.budget_line_create(
        purchaser=purchaser_org, year=2026, code="2026-JY-009", name="智慧校园平台",
        amount=Decimal("6000000"), source="fiscal", actor=alice)
    return services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=line,
                                  intention=intention, now=NOW, **demand_data())


def _project(alice, purchaser_org, demand, method="negotiation", budget=BIG, reason="技术复杂，"
             "不能确定详细规格，需与供应商谈判确定。"):
    project = services.project_create(
        purchaser=purchaser_org, actor=alice, demand=demand, title="智慧校园平台", method=method,
        method_justification=reason, contact_name="李爱丽", contact_phone="0374-2961020",
        lots=[{"title": "平台", "budget": budget, "ceiling_price": None}], now=NOW)
    services.project_submit(project=project, actor=alice, now=NOW)
    return project


@pytest.fixture
def waiting(alice, approver, purchaser_org, big_demand):
    project = _project(alice, purchaser_org, big_demand)
    services.project_approve(project=project, actor=approver, now=NOW)
    project.refresh_from_db()
    return project


def test_another_method_above_the_threshold_waits_for_the_finance_bureau(waiting, approver):
    assert waiting.status == P.BUREAU_REVIEW
    request = waiting.method_approvals.get()
    assert (request.status, request.kind, request.requested_by) == ("pending", "method",
                                                                     approver)
    assert "法 第27条" in request.basis and "谈判" in request.reasons
    assert AuditEvent.objects.filter(action="method_approval.request").count() == 1


def test_under_the_threshold_the_purchasers_approver_suffices(alice, approver, purchaser_org,
                                                               demand):
    project = _project(alice, purchaser_org, demand, budget=Decimal("500000"))
    services.project_approve(project=project, actor=approver, now=NOW)
    project.refresh_from_db()
    assert project.status == P.APPROVED and not project.method_approvals.exists()


def test_open_tendering_above_the_threshold_needs_no_bureau(alice, approver, purchaser_org,
                                                             big_demand):
    project = _project(alice, purchaser_org, big_demand, method="open", reason="")
    services.project_approve(project=project, actor=approver, now=NOW)
    project.refresh_from_db()
    assert project.status == P.APPROVED


def test_the_purchasers_approver_cannot_approve_past_the_bureau(waiting, approver):
    with pytest.raises(RuleViolation) as exc:
        services.project_approve(project=waiting, actor=approver, now=NOW)
    assert exc.value.code == "awaits_finance_bureau" and "法 第27条" in exc.value.basis
    waiting.refresh_from_db()
    assert waiting.status == P.BUREAU_REVIEW
    assert AuditEvent.objects.filter(action="project.approve_refused").count() == 1


def test_the_finance_bureau_approves(waiting, supervisor, alice):
    request = waiting.method_approvals.get()
    services.method_approval_decide(approval=request, actor=supervisor, decision="approve",
                                    now=NOW)
    waiting.refresh_from_db()
    request.refresh_from_db()
    assert waiting.status == P.APPROVED
    assert (request.status, request.decided_by) == ("approved", supervisor)
    assert AuditEvent.objects.filter(action="method_approval.approve").count() == 1
    assert Message.objects.filter(recipient=alice, subject__contains="采购方式审批结果").exists()


def test_a_refusal_gives_its_reason_and_the_project_returns_to_draft(waiting, supervisor,
                                                                      alice):
    request = waiting.method_approvals.get()
    services.method_approval_decide(approval=request, actor=supervisor, decision="refuse",
                                    reason="采购需求明确，应当公开招标。", now=NOW)
    waiting.refresh_from_db()
    request.refresh_from_db()
    assert waiting.status == P.DRAFT and waiting.approved_by is None
    assert request.status == "refused" and request.decision_reason == "采购需求明确，应当公开招标。"
    body = Message.objects.filter(recipient=alice, subject__contains="审批结果").first().body
    assert "采购需求明确，应当公开招标。" in body
    # Revised and submitted again, it goes back to the bureau.
    services.project_submit(project=waiting, actor=alice, now=NOW)
    assert waiting.status == P.SUBMITTED


def test_a_refusal_without_a_reason_saves_nothing(waiting, supervisor):
    request = waiting.method_approvals.get()
    with pytest.raises(DomainError) as exc:
        services.method_approval_decide(approval=request, actor=supervisor,
                                        decision="refuse", reason="", now=NOW)
    assert exc.value.field == "reason"
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert request.status == "pending" and waiting.status == P.BUREAU_REVIEW


@pytest.mark.parametrize("who", ["alice", "approver", "bob"])
def test_purchasers_and_suppliers_cannot_decide(waiting, who, request):
    person = request.getfixturevalue(who)
    approval = waiting.method_approvals.get()
    with pytest.raises(PermissionDenied):
        services.method_approval_decide(approval=approval, actor=person, decision="approve",
                                        now=NOW)
    approval.refresh_from_db()
    waiting.refresh_from_db()
    assert approval.status == "pending" and waiting.status == P.BUREAU_REVIEW
    assert AuditEvent.objects.filter(action="method_approval.decide_refused").count() == 1


def test_a_request_is_decided_once(waiting, supervisor):
    approval = waiting.method_approvals.get()
    services.method_approval_decide(approval=approval, actor=supervisor, decision="approve",
                                    now=NOW)
    with pytest.raises(DomainError):
        services.method_approval_decide(approval=approval, actor=supervisor,
                                        decision="refuse", reason="再看一看吧。", now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == P.APPROVED


def test_a_change_of_method_after_a_failed_tender_waits_for_the_bureau(approved, alice,
                                                                        approver):
    Lot.objects.filter(project=approved).update(status=Lot.Status.FAILED)
    Project.objects.filter(pk=approved.pk).update(status=P.FAILED)
    new = services.project_retender(project=approved, actor=alice, method="negotiation",
                                    method_justification="公开招标投标人不足三家，"
                                                         "拟改为竞争性谈判。", now=NOW)
    services.project_submit(project=new, actor=alice, now=NOW)
    services.project_approve(project=new, actor=approver, now=NOW)
    new.refresh_from_db()
    request = new.method_approvals.get()
    assert new.status == P.BUREAU_REVIEW
    assert request.kind == "change" and "87号令 第43条" in request.basis


def test_a_retender_with_the_same_method_needs_no_bureau(approved, alice, approver):
    Lot.objects.filter(project=approved).update(status=Lot.Status.FAILED)
    Project.objects.filter(pk=approved.pk).update(status=P.FAILED)
    new = services.project_retender(project=approved, actor=alice, now=NOW)
    services.project_submit(project=new, actor=alice, now=NOW)
    services.project_approve(project=new, actor=approver, now=NOW)
    new.refresh_from_db()
    assert new.status == P.APPROVED


def test_attachments_are_checked_by_content(waiting, alice, bob):
    services.method_attachment_add(project=waiting, actor=alice, purpose="reasons",
                                   upload=Upload("论证报告.pdf", simple_pdf()), now=NOW)
    with pytest.raises(DomainError):
        services.method_attachment_add(project=waiting, actor=alice, purpose="reasons",
                                       upload=Upload("论证报告.pdf", b"MZ not a pdf"), now=NOW)
    with pytest.raises(PermissionDenied):
        services.method_attachment_add(project=waiting, actor=bob, purpose="reasons",
                                       upload=Upload("x.pdf", simple_pdf()), now=NOW)
    assert list(MethodAttachment.objects.values_list("name", flat=True)) == ["论证报告.pdf"]
    assert MethodApproval.objects.count() == 1


def test_no_attachment_after_approval(approved, alice):
    with pytest.raises(DomainError):
        services.method_attachment_add(project=approved, actor=alice, purpose="reasons",
                                       upload=Upload("a.pdf", simple_pdf()),
                                       now=NOW + dt.timedelta(hours=1))
    assert not MethodAttachment.objects.exists()


def test_a_change_of_method_without_reasons_is_refused(approved, alice):
    Lot.objects.filter(project=approved).update(status=Lot.Status.FAILED)
    Project.objects.filter(pk=approved.pk).update(status=P.FAILED)
    with pytest.raises(RuleViolation) as exc:
        services.project_retender(project=approved, actor=alice, method="negotiation",
                                  now=NOW)
    assert exc.value.field == "method_justification" and "87号令 第43条" in exc.value.basis
    assert not Project.objects.filter(retender_of=approved).exists()


def test_a_project_cancelled_while_waiting_leaves_the_queue(waiting, approver):
    services.project_cancel(project=waiting, actor=approver, reason="采购需求发生重大变化",
                            now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == P.CANCELLED and not waiting.announcements.exists()
    from procurement.selectors import method_approvals

    assert not method_approvals(status="pending").exists()
