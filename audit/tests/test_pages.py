import pytest
from django.urls import reverse

from audit.services import audit_record
from conftest import org_of


@pytest.mark.django_db
def test_organisation_sees_only_its_own_events(client, bob, charlie):
    audit_record(action="test.bob", organization=org_of(bob), actor=bob)
    audit_record(action="test.charlie", organization=org_of(charlie), actor=charlie)
    client.force_login(charlie)
    body = client.get(reverse("audit:event-list")).content.decode()
    assert "test.charlie" in body and "test.bob" not in body
    data = client.get(reverse("api:audit-event-list")).json()
    assert {e["action"] for e in data["results"]} == {"test.charlie"}


@pytest.mark.django_db
def test_finance_bureau_sees_all_events(client, bob, supervisor):
    audit_record(action="test.bob", organization=org_of(bob), actor=bob)
    client.force_login(supervisor)
    assert "test.bob" in client.get(reverse("audit:event-list")).content.decode()
