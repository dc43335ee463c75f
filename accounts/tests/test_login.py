import pytest
from django.urls import reverse

from audit.models import AuditEvent


@pytest.mark.django_db
def test_login_is_audited(client, bob, password):
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": password})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=bob).exists()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, bob, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "bob", "password": "wrong"})
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 4
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@pytest.mark.django_db
def test_password_change(client, bob, password):
    client.force_login(bob)
    response = client.post(reverse("accounts:password-change"), {
        "old_password": password, "new_password1": "Brand-new-2026!",
        "new_password2": "Brand-new-2026!",
    })
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("Brand-new-2026!")
    assert AuditEvent.objects.filter(action="auth.password_change", actor=bob).exists()
