import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import DomainError
from procurement import services
from procurement.models import Announcement, Lot, Project
from procurement.rules import budget_available
from procurement.tests.fixtures import CST, NOW, lots

pytestmark = pytest.mark.django_db


def test_project_over_the_available_budget_is_refused(alice, purchaser_org, demand, budget):
    with pytest.raises(DomainError) as exc:
        services.project_create(purchaser=purchaser_org, actor=alice, demand=demand,
                                title="x", method="open",
                                lots=lots(Decimal("900000"), None), contact_name="a",
                                contact_phone="1")
    assert exc.value.code == "over_budget" and "春风行动 第11条" in exc.value.basis
    assert not Project.objects.exists()


def test_committed_budget_reduces_what_is_available(project, budget):
    assert budget_available(budget) == Decimal("200000")


def test_ceiling_above_the_lot_budget_is_refused(alice, purchaser_org, demand):
    with pytest.raises(DomainError) as exc:
        services.project_create(purchaser=purchaser_org, actor=alice, demand=demand,
                                title="x", method="open",
                                lots=lots(Decimal("500000"), Decimal("550000")),
                                contact_name="a", contact_phone="1")
    assert "87号令 第12条" in exc.value.basis


def test_the_drafter_cannot_approve(project, alice):
    services.project_submit(project=project, actor=alice, now=NOW)
    with pytest.raises(DomainError) as exc:
        services.project_approve(project=project, actor=alice, now=NOW)
    assert exc.value.code == "separation_of_duties" and "财库〔2016〕99号" in exc.value.basis
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_another_officer_with_the_approver_role_approves(approved, approver):
    assert approved.status == Project.Status.APPROVED and approved.approved_by == approver
    assert [e.to_status for e in approved.events.all()] == ["submitted", "approved"]


def test_an_officer_without_the_approver_role_cannot_approve(project, alice, purchaser_org):
    from accounts.models import Membership
    from accounts.tests.factories import MembershipFactory, UserFactory

    other = UserFactory()
    MembershipFactory(user=other, organization=purchaser_org, role=Membership.Role.OFFICER)
    services.project_submit(project=project, actor=alice, now=NOW)
    with pytest.raises(DomainError):
        services.project_approve(project=project, actor=other, now=NOW)


def test_a_method_other_than_open_tendering_above_threshold_needs_a_reason(
    alice, purchaser_org, budget, intention
):
    from procurement.models import Threshold
    from procurement.tests.fixtures import demand_data

    Threshold.objects.filter(kind="open_tender", category="goods").update(amount=500000)
    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                    **demand_data())
    with pytest.raises(DomainError) as exc:
        services.project_create(purchaser=purchaser_org, actor=alice, demand=demand,
                                title="x", method="consultation", lots=lots(),
                                contact_name="a", contact_phone="1")
    assert exc.value.code == "method_needs_reason" and "条例 第23条" in exc.value.basis


class TestAnnounce:
    def announce(self, project, alice, days=21, docs_days=7, now=NOW):
        return services.project_announce(
            project=project, actor=alice, documents_from=now,
            documents_until=now + dt.timedelta(days=docs_days),
            bid_deadline=now + dt.timedelta(days=days), now=now)

    def test_a_deadline_shorter_than_20_days_is_refused(self, approved, alice):
        with pytest.raises(DomainError) as exc:
            self.announce(approved, alice, days=19)
        assert exc.value.code == "period_too_short" and "法 第35条" in exc.value.basis
        approved.refresh_from_db()
        assert approved.status == Project.Status.APPROVED

    def test_documents_available_fewer_than_5_working_days_is_refused(self, approved, alice):
        with pytest.raises(DomainError) as exc:
            self.announce(approved, alice, docs_days=4)
        assert exc.value.code == "documents_too_short"

    def test_intention_published_fewer_than_30_days_ago_is_refused(self, approved, alice,
                                                                   intention):
        type(intention).objects.filter(pk=intention.pk).update(
            published_at=NOW - dt.timedelta(days=10))
        with pytest.raises(DomainError) as exc:
            self.announce(approved, alice)
        assert exc.value.code == "intention_too_recent"

    def test_the_announcement_carries_every_required_field(self, approved, alice):
        notice = self.announce(approved, alice)
        approved.refresh_from_db()
        assert approved.status == Project.Status.ANNOUNCED
        assert set(Lot.objects.values_list("status", flat=True)) == {"bidding"}
        f = notice.fields
        assert f["budget"] == "600000.00" and f["documents_fee"] == "0" and f["bid_bond"] == "0"
        assert f["purchaser"]["name"] == "许昌市魏都区教育局"
        assert f["lots"][0]["ceiling_price"] == "580000.00"
        for text in ("预算金额：600,000.00元", "最高限价580,000.00元", "不收取采购文件费",
                     "投标保证金", "专门面向中小企业", "李爱丽", "2026年03月23日 09:00"):
            assert text in notice.body, text

    def test_a_late_clarification_moves_the_deadline(self, approved, alice):
        self.announce(approved, alice)
        now = NOW + dt.timedelta(days=10)  # 11 days before the deadline
        notice = services.announcement_clarify(project=approved, actor=alice,
                                               text="第3项技术参数更正为16GB内存。",
                                               affects_bids=True, now=now)
        approved.refresh_from_db()
        assert notice.kind == Announcement.Kind.CLARIFICATION
        assert approved.bid_deadline == dt.datetime(2026, 3, 27, 9, 0, tzinfo=CST)
        assert notice.moves_deadline_to == approved.bid_deadline
        assert "87号令 第27条" in notice.body

    def test_a_clarification_not_affecting_bids_keeps_the_deadline(self, approved, alice):
        self.announce(approved, alice)
        services.announcement_clarify(project=approved, actor=alice, text="联系电话更正。",
                                      affects_bids=False, now=NOW + dt.timedelta(days=10))
        approved.refresh_from_db()
        assert approved.bid_deadline == NOW + dt.timedelta(days=21)


def test_cancelling_an_announced_project_publishes_a_notice(approved, alice, approver):
    services.project_announce(project=approved, actor=alice, documents_from=NOW,
                              documents_until=NOW + dt.timedelta(days=7),
                              bid_deadline=NOW + dt.timedelta(days=21), now=NOW)
    services.project_cancel(project=approved, actor=approver, reason="采购需求发生重大变化",
                            now=NOW + dt.timedelta(days=1))
    approved.refresh_from_db()
    assert approved.status == Project.Status.CANCELLED
    assert approved.announcements.filter(kind="cancellation").exists()
    assert set(Lot.objects.values_list("status", flat=True)) == {"cancelled"}
