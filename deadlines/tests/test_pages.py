import pytest
from django.urls import reverse

from deadlines import services
from deadlines.models import Deadline
from deadlines.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(award, purchaser_org):
    return services.deadline_open(subject=award, clock="contract.sign",
                                  organization=purchaser_org, start=at(2025, 9, 30, 10, 0),
                                  now=at(2025, 9, 30, 10, 0))


def test_my_deadlines_shows_basis_and_countdown(client, alice, clock):
    client.force_login(alice)
    body = client.get(reverse("deadlines:deadline-list")).content.decode()
    assert "某某项目中标通知书" in body and "春风行动 第18条" in body
    assert "2025-10-10 23:59" in body


def test_outsider_sees_neither_list_entry_nor_detail(client, charlie, clock):
    client.force_login(charlie)
    assert "某某项目中标通知书" not in client.get(reverse("deadlines:deadline-list")).content \
        .decode()
    assert client.get(reverse("deadlines:deadline-detail", args=[clock.pk])).status_code == 404
    assert client.get(reverse("api:deadline-detail", args=[clock.pk])).status_code == 404


def test_finance_bureau_sees_all_and_the_ranking(client, supervisor, clock):
    client.force_login(supervisor)
    assert "某某项目中标通知书" in client.get(reverse("deadlines:deadline-list")).content.decode()
    data = client.get(reverse("api:deadline-ranking")).json()
    assert data[0]["total"] == 1 and data[0]["on_time"] == 0  # 2025-10-10 has passed
    assert client.get(reverse("deadlines:ranking")).status_code == 200


def test_ranking_is_for_the_finance_bureau_only(client, alice, clock):
    client.force_login(alice)
    assert client.get(reverse("deadlines:ranking")).status_code == 404
    assert client.get(reverse("api:deadline-ranking")).status_code == 404


def test_ranking_orders_by_share_on_time(purchaser_org, finance_org, award):
    from accounts.tests.factories import OrganizationFactory
    from deadlines.selectors import timeliness_ranking

    other = OrganizationFactory(name="区卫健委")
    for org, met_at in [(purchaser_org, at(2025, 10, 9)), (other, at(2025, 10, 20))]:
        subject = OrganizationFactory()
        services.deadline_open(subject=subject, clock="contract.sign", organization=org,
                               start=at(2025, 9, 30, 10, 0))
        services.deadline_meet(subject=subject, clock="contract.sign", at=met_at)
    rows = timeliness_ranking(now=at(2025, 12, 1))
    assert [r.name for r in rows] == [purchaser_org.name, "区卫健委"]
    assert rows[0].share == 1.0 and rows[1].share == 0.0
    assert rows[1].mean_lateness_hours == pytest.approx(216.0, abs=0.1)  # 10-10 24:00 → 10-20 00:00


def test_waive_through_the_api_needs_the_finance_bureau(client, alice, clock, finance_org):
    from accounts.models import Membership
    from accounts.tests.factories import MembershipFactory, UserFactory

    client.force_login(alice)
    response = client.post(reverse("api:deadline-waive", args=[clock.pk]),
                           {"reason": "项目已依法终止"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"

    boss = UserFactory(username="boss")
    MembershipFactory(user=boss, organization=finance_org, role=Membership.Role.ADMIN)
    client.force_login(boss)
    response = client.post(reverse("api:deadline-waive", args=[clock.pk]),
                           {"reason": "项目已依法终止"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "waived"
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.WAIVED


def test_rules_page_is_public_and_cites_bases(client, settings):
    body = client.get(reverse("rules:rule-list")).content.decode()
    assert "春风行动 第18条" in body and "87号令 第47条" in body
    data = client.get(reverse("api:rule-list")).json()
    assert data["profile"] == "xuchang"
    sign = next(r for r in data["rules"] if r["code"] == "contract.sign")
    assert (sign["amount"], sign["unit"]) == ("2", "workdays")


def test_calendar_page_loads_a_year_from_pasted_text(client, finance_org):
    from accounts.models import Membership
    from accounts.tests.factories import MembershipFactory, UserFactory
    from workdays.models import CalendarDay

    boss = UserFactory(username="boss")
    MembershipFactory(user=boss, organization=finance_org, role=Membership.Role.ADMIN)
    client.force_login(boss)
    text = "元旦：1月1日（周五）至3日（周日）放假，共3天。"
    preview = client.post(reverse("workdays:calendar"),
                          {"year": 2027, "source": "测试", "text": text, "preview": "1"})
    assert "2027-01-02" in preview.content.decode()
    assert not CalendarDay.objects.exists()
    client.post(reverse("workdays:calendar"),
                {"year": 2027, "source": "测试", "text": text, "confirm": "1"})
    assert CalendarDay.objects.filter(year__year=2027).count() == 3
    bad = client.post(reverse("workdays:calendar"),
                      {"year": 2027, "source": "测试", "text": "胡言乱语", "confirm": "1"})
    assert bad.status_code == 200 and CalendarDay.objects.count() == 3


def test_calendar_page_is_hidden_from_others(client, alice):
    client.force_login(alice)
    assert client.get(reverse("workdays:calendar")).status_code == 404
