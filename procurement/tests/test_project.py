import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import DomainError
from core.models import StatusChange
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
    history = StatusChange.of(approved)
    assert [(e.old, e.new, e.step) for e in history] == [
        ("draft", "submitted", "submit"), ("submitted", "approved", "approve")]
    assert history.last().actor == approver


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


# --- lots and their items -------------------------------------------------------------

PRINTERS = {"name": "A4黑白激光打印机", "catalog_code": "A02021003", "quantity": Decimal("10"),
            "unit": "台", "specification": "双面打印", "is_core": False}


@pytest.fixture
def two_items(alice, purchaser_org, budget, intention):
    from procurement.tests.fixtures import ITEMS, demand_data

    return services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                  intention=intention, now=NOW,
                                  **demand_data(items=[*ITEMS, PRINTERS]))


def two_lots(first=(), second=()):
    return [{"title": "计算机", "budget": Decimal("500000"), "items": list(first)},
            {"title": "打印机", "budget": Decimal("50000"), "items": list(second)}]


def create(demand, alice, purchaser_org, lots):
    return services.project_create(purchaser=purchaser_org, actor=alice, demand=demand,
                                   title="x", method="open", lots=lots, contact_name="a",
                                   contact_phone="1", now=NOW)


def test_a_single_lot_procures_every_item(two_items, alice, purchaser_org):
    project = create(two_items, alice, purchaser_org, lots(Decimal("550000"), None))
    assert set(project.lots.get().items.all()) == set(two_items.items.all())


@pytest.mark.parametrize("allot", ["none", "twice", "foreign"])
def test_several_lots_each_name_their_items_once(two_items, alice, purchaser_org, allot,
                                                 demand):
    computers, printers = two_items.items.order_by("id")
    lots_ = {"none": two_lots(),
             "twice": two_lots([computers, printers], [printers]),
             "foreign": two_lots([computers], [printers, demand.items.get()])}[allot]
    with pytest.raises(DomainError) as exc:
        create(two_items, alice, purchaser_org, lots_)
    assert exc.value.code == "lot_items" and exc.value.field == "lots"
    assert not Project.objects.filter(demand=two_items).exists()


def test_each_lot_announces_and_serves_its_own_items(two_items, alice, purchaser_org,
                                                     approver):
    computers, printers = two_items.items.order_by("id")
    project = create(two_items, alice, purchaser_org, two_lots([computers], [printers.pk]))
    first, second = project.lots.order_by("number")
    assert list(first.items.all()) == [computers] and list(second.items.all()) == [printers]
    services.project_submit(project=project, actor=alice, now=NOW)
    services.project_approve(project=project, actor=approver, now=NOW)
    notice = services.project_announce(
        project=project, actor=alice, documents_from=NOW,
        documents_until=NOW + dt.timedelta(days=7), bid_deadline=NOW + dt.timedelta(days=21),
        now=NOW)
    body = notice.body
    lot_2 = body.index("第2包")
    assert body.index("台式计算机") < lot_2 < body.index("A4黑白激光打印机")
    assert [(i["name"], i["lot"]) for i in notice.fields["items"]] == [
        ("台式计算机", 1), ("A4黑白激光打印机", 2)]


def test_an_item_left_out_of_every_lot_is_refused(two_items, alice, purchaser_org):
    computers, _printers = two_items.items.order_by("id")
    with pytest.raises(DomainError) as exc:
        create(two_items, alice, purchaser_org, two_lots([computers])[:1])
    assert exc.value.code == "lot_items" and "A4黑白激光打印机" in str(exc.value)
    assert not Project.objects.filter(demand=two_items).exists()


def test_the_project_page_and_api_allot_items_to_lots(two_items, alice, client):
    from django.urls import reverse

    computers, printers = two_items.items.order_by("id")
    client.force_login(alice)
    url = reverse("procurement:project-create") + f"?demand={two_items.pk}"
    form = client.get(url).content.decode()
    assert 'name="lots-0-items"' in form and "A4黑白激光打印机 × 10 台" in form
    data = {"title": "计算机和打印机", "method": "open", "contact_name": "李爱丽",
            "contact_phone": "0374-2961020", "demand": two_items.pk,
            "lots-TOTAL_FORMS": "2", "lots-INITIAL_FORMS": "0", "lots-MIN_NUM_FORMS": "1",
            "lots-MAX_NUM_FORMS": "1000",
            "lots-0-title": "计算机", "lots-0-budget": "500000", "lots-0-items": [computers.pk],
            "lots-1-title": "打印机", "lots-1-budget": "50000",
            "lots-1-items": [computers.pk]}
    refused = client.post(url, data)
    assert refused.status_code in (200, 400)
    assert "台式计算机" in refused.content.decode() and "打印机" in refused.content.decode()
    assert not Project.objects.filter(demand=two_items).exists()
    done = client.post(url, {**data, "lots-1-items": [printers.pk]})
    project = Project.objects.get(demand=two_items)
    assert done.status_code == 302
    assert [list(lot.items.values_list("name", flat=True))
            for lot in project.lots.order_by("number")] == [["台式计算机"], ["A4黑白激光打印机"]]
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "A4黑白激光打印机 × 10 台" in detail.split('data-testid="lot-items-2"')[1][:200]
    listed = client.get(reverse("api:project-detail", args=[project.pk])).json()
    assert [lot["items"] for lot in listed["lots"]] == [[computers.pk], [printers.pk]]
