import pytest
from django.urls import reverse

from accounts.models import Membership, User
from audit.models import AuditEvent
from conftest import org_of


@pytest.mark.django_db
def test_admin_adds_a_colleague_with_a_role(client, alice):
    client.force_login(alice)
    org = org_of(alice)
    response = client.post(reverse("accounts:member-add", args=[org.pk]), {
        "username": "hanxue", "real_name": "韩雪", "mobile": "13903742002",
        "email": "", "role": "approver", "password": "Another-pass-2026",
    })
    assert response.status_code == 302
    user = User.objects.get(username="hanxue")
    assert Membership.objects.filter(user=user, organization=org, role="approver").exists()
    assert AuditEvent.objects.filter(action="membership.grant", organization=org).exists()


@pytest.mark.django_db
def test_bad_mobile_is_refused_and_nothing_saved(client, alice):
    client.force_login(alice)
    org = org_of(alice)
    response = client.post(reverse("accounts:member-add", args=[org.pk]), {
        "username": "hanxue", "real_name": "韩雪", "mobile": "123",
        "role": "approver", "password": "Another-pass-2026",
    })
    assert response.status_code == 200
    assert not User.objects.filter(username="hanxue").exists()


@pytest.mark.django_db
def test_last_administrator_cannot_be_removed(client, alice):
    client.force_login(alice)
    org = org_of(alice)
    admin = Membership.objects.get(user=alice, organization=org, role="admin")
    from accounts import services
    from core.exceptions import DomainError

    with pytest.raises(DomainError):
        services.membership_revoke(membership=admin, actor=alice)
    admin.refresh_from_db()
    assert admin.is_active
