"""Every refusal reaches the audit trail and the finance bureau's count, whoever asked:
a page, the API, a Celery task or a management command (core.refusals).

Each caller kind meets a real refusal of a real service, and the refusal is recorded
exactly once — the callers record nothing themselves.
"""

import datetime as dt
import io

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, UserFactory
from audit.models import AuditEvent
from audit.selectors import refusals
from procurement import services
from procurement.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(project, alice):
    services.project_submit(project=project, actor=alice)
    project.refresh_from_db()
    return project


def _recorded(action):
    return list(AuditEvent.objects.filter(action=action))


def test_a_page_refusal_is_recorded_once(client, submitted, alice):
    client.force_login(alice)  # alice drafted it: she may not approve it (不相容岗位分离)
    response = client.post(reverse("procurement:project-action",
                                   args=[submitted.pk, "approve"]))
    assert response.status_code == 302
    [event] = _recorded("project.approve_refused")
    assert (event.actor, event.object_id) == (alice, str(submitted.pk))
    assert event.ip == "127.0.0.1"
    assert Project.objects.get(pk=submitted.pk).status == Project.Status.SUBMITTED


def test_an_api_refusal_is_recorded_once(client, submitted, alice):
    client.force_login(alice)
    response = client.post(reverse("api:project-approve", args=[submitted.pk]))
    assert response.status_code in (400, 403)
    assert response.json()["code"]
    [event] = _recorded("project.approve_refused")
    assert event.detail["code"] == response.json()["code"]
    assert refusals().filter(pk=event.pk).exists()


@shared_task
def approve_in_worker(project_id, user_id):
    """A task calling a service, as every task of the platform does."""
    from django.contrib.auth import get_user_model

    services.project_approve(project=Project.objects.get(pk=project_id),
                             actor=get_user_model().objects.get(pk=user_id))


def test_a_task_refusal_is_recorded_once(submitted, alice):
    result = approve_in_worker.apply(args=[submitted.pk, alice.pk])
    assert result.failed()
    [event] = _recorded("project.approve_refused")
    assert event.actor == alice


def test_a_command_refusal_is_recorded_once(tmp_path):
    calendar = tmp_path / "2027.txt"
    calendar.write_text("2028-01-01 holiday 元旦\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_calendar", "2027", "--file", str(calendar), stdout=io.StringIO())
    [event] = _recorded("calendar.load_refused")
    assert event.detail["service"] == "calendar_year_load"


def test_the_bureaus_dashboard_counts_refusals_from_every_caller(
        client, submitted, alice, finance_org):
    client.force_login(alice)
    client.post(reverse("procurement:project-action", args=[submitted.pk, "approve"]))
    client.post(reverse("api:project-approve", args=[submitted.pk]))
    approve_in_worker.apply(args=[submitted.pk, alice.pk])
    supervisor = UserFactory()
    MembershipFactory(user=supervisor, organization=finance_org, role=Membership.Role.ADMIN)
    client.force_login(supervisor)
    page = client.get(reverse("workspaces:supervision"))
    assert page.context["refusals_30d"] == 3
    assert refusals(since=submitted.created_at - dt.timedelta(minutes=1)).count() == 3
