import datetime as dt

import pytest
from django.urls import reverse

from procurement import services

pytestmark = pytest.mark.django_db


def test_the_approver_sees_what_awaits_approval(client, project, alice, approver):
    services.project_submit(project=project, actor=alice)
    client.force_login(approver)
    body = client.get(reverse("workspaces:purchaser")).content.decode()
    assert 'data-testid="awaiting-approval"' in body and project.code in body
    client.force_login(alice)  # the drafter is not asked to approve their own project
    assert 'data-testid="awaiting-approval"' not in client.get(
        reverse("workspaces:purchaser")).content.decode()


def test_suppliers_see_open_tenders(client, project, alice, approver, bob,
                                    django_capture_on_commit_callbacks):
    from django.utils import timezone

    services.project_submit(project=project, actor=alice)
    services.project_approve(project=project, actor=approver)
    start = timezone.now() + dt.timedelta(minutes=5)
    # The portal's home lists the publications the index writes on commit.
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.project_announce(project=project, actor=alice, documents_from=start,
                                           documents_until=start + dt.timedelta(days=10),
                                           bid_deadline=start + dt.timedelta(days=25))
    client.force_login(bob)
    assert notice.title in client.get(reverse("workspaces:supplier")).content.decode()
    assert notice.title in client.get(reverse("disclosure:home")).content.decode()


def test_supervision_sees_justified_warnings(client, alice, purchaser_org, budget,
                                             supervisor):
    from procurement.tests.fixtures import demand_data

    demand = services.demand_create(purchaser=purchaser_org, actor=alice, budget_line=budget,
                                    **demand_data(technical_requirements="品牌：联想。"))
    services.demand_override_finding(finding=demand.findings.get(), actor=alice,
                                     justification="现有管理软件只兼容该品牌的设备驱动程序。")
    client.force_login(supervisor)
    body = client.get(reverse("workspaces:supervision")).content.decode()
    assert "现有管理软件只兼容该品牌的设备驱动程序" in body
    assert client.get(reverse("procurement:demand-detail", args=[demand.pk])).status_code == 200
