"""What a newcomer reads (issue #12 point 6): people once, labels rather than codes, and
short words that mean one thing each in Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import MembershipFactory, UserFactory
from audit.actions import action_label
from audit.services import audit_record
from conftest import org_of

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


# --- people once -----------------------------------------------------------------------

def test_a_member_with_two_roles_is_one_row_with_both_roles(client, alice):
    org = org_of(alice)  # alice is officer and administrator
    client.force_login(alice)
    body = client.get(reverse("accounts:organization-detail", args=[org.pk]), **ZH) \
        .content.decode()
    assert body.count('data-testid="member-row"') == 1
    assert body.count("李爱丽") >= 1 and "经办人" in body and "管理员" in body


def test_the_assistant_dropdown_lists_each_person_once(client, alice):
    from procurement.tests.factories import ProjectFactory

    project = ProjectFactory(purchaser=org_of(alice), announced=True)
    colleague = UserFactory(real_name="韩雪")
    for role in ("approver", "leader"):
        MembershipFactory(user=colleague, organization=project.purchaser, role=role)
    client.force_login(alice)
    response = client.get(reverse("procurement:project-detail", args=[project.pk]))
    staff = list(response.context["staff"])
    assert len(staff) == len(set(staff))
    assert alice in staff and colleague in staff
    assert response.content.decode().count(f'<option value="{alice.pk}"') == 1


# --- labels rather than codes ------------------------------------------------------------

def test_the_rules_page_shows_descriptions_and_keeps_codes_to_a_tooltip(client):
    from rules.registry import rules_in_force

    body = client.get(reverse("rules:rule-list"), **ZH).content.decode()
    rule = rules_in_force()["committee.min_members"]
    with translation.override("zh-hans"):
        assert str(rule.description) in body
    assert f'title="{rule.code}"' in body
    assert f">{rule.code}<" not in body  # not printed as text


def test_the_audit_log_shows_what_happened_not_the_action_code(client, supervisor):
    audit_record(action="project.opened", organization=org_of(supervisor), actor=None)
    client.force_login(supervisor)
    body = client.get(reverse("audit:event-list"), **ZH).content.decode()
    with translation.override("zh-hans"):
        assert str(action_label("project.opened")) in body
    assert ">project.opened<" not in body


def test_every_action_the_platform_takes_itself_has_a_label():
    for status in ("opened", "evaluating", "awarded", "failed"):
        assert action_label(f"project.{status}") != f"project.{status}"


def test_the_calendar_names_the_state_councils_schedule_not_the_package(client, supervisor):
    from workdays.models import CalendarYear
    from workdays.services import package_year_days

    year = CalendarYear.objects.create(year=2025, source="chinese-calendar")
    year.days.create(date=package_year_days(2025)[0][0], kind="holiday", name="元旦")
    client.force_login(supervisor)
    body = client.get(reverse("workdays:calendar"), **ZH).content.decode()
    assert "国务院办公厅放假安排" in body
    assert ">chinese-calendar<" not in body and "chinese-calendar 软件包" not in body
    assert "· chinese-calendar" not in body


# --- one meaning per word ----------------------------------------------------------------

def test_an_accepted_price_correction_is_not_a_contract_acceptance():
    from contracts.models import Contract
    from procurement.models import BidQuery

    with translation.override("zh-hans"):
        assert str(BidQuery.Status.ACCEPTED.label) == "已接受"
        assert str(Contract.Status.ACCEPTED.label) == "已验收"
        assert str(BidQuery.Status.ACCEPTED.label) != str(Contract.Status.ACCEPTED.label)
