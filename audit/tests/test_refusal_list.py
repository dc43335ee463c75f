"""The finance bureau's count of refusals opens the list behind it, page and API."""

import pytest
from django.urls import reverse

from audit.services import audit_record
from conftest import org_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(bob, charlie):
    audit_record(action="bid.submit_refused", organization=org_of(bob), actor=bob)
    audit_record(action="bid.submit", organization=org_of(bob), actor=bob)
    audit_record(action="deadline.waive_refused", organization=org_of(charlie), actor=charlie)


def test_the_supervisor_lists_every_refusal_and_nothing_else(client, supervisor, events):
    client.force_login(supervisor)
    body = client.get(reverse("audit:event-list"), {"refused": "1"}).content.decode()
    assert "bid.submit_refused" in body and "deadline.waive_refused" in body
    assert ">bid.submit</div>" not in body
    data = client.get(reverse("api:audit-event-list"), {"refused": "true"}).json()
    assert {e["action"] for e in data["results"]} == {"bid.submit_refused",
                                                      "deadline.waive_refused"}


def test_an_organisation_sees_only_its_own_refusals(client, bob, events):
    client.force_login(bob)
    data = client.get(reverse("api:audit-event-list"), {"refused": "true"}).json()
    assert [e["action"] for e in data["results"]] == ["bid.submit_refused"]


def test_the_dashboard_count_links_to_the_list(client, supervisor, events):
    """The count opens the compliance interceptions' refusals (supervision), which list
    the same events the count counts."""
    client.force_login(supervisor)
    body = client.get(reverse("workspaces:supervision")).content.decode()
    url = reverse("supervision:interception-list")
    assert f'href="{url}?kind=refusal"' in body
    rows = client.get(url, {"kind": "refusal"}).context["rows"]
    assert {r.event.action for r in rows} == {"bid.submit_refused", "deadline.waive_refused"}
