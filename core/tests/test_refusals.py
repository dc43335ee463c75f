"""Every refusal is recorded once, after the rollback, whoever called the service."""

import pytest
from django.db import transaction

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory, UserFactory
from audit.models import AuditEvent
from audit.selectors import refusals
from core.exceptions import DomainError, RuleViolation
from core.refusals import records_refusals, refusal_action


def test_the_action_is_named_after_the_service():
    assert refusal_action("bid_submit") == "bid.submit_refused"
    assert refusal_action("lots_open_due") == "lots.open_due_refused"


@records_refusals()
def organization_rename(*, organization, actor, name, ip=None):
    with transaction.atomic():
        organization.name = name
        organization.save()
        if len(name) < 3:
            raise RuleViolation("Too short: %(name)s", params={"name": name}, basis="规则 1",
                                field="name")
    return organization


@records_refusals("organization.batch_refused")
def organizations_rename(*, organizations, actor):
    for org in organizations:
        organization_rename(organization=org, actor=actor, name="x")


@pytest.mark.django_db
def test_a_refusal_is_recorded_and_its_change_rolled_back():
    org = OrganizationFactory(name="魏都区教育局", kind=Organization.Kind.PURCHASER)
    actor = UserFactory()
    with pytest.raises(RuleViolation):
        organization_rename(organization=org, actor=actor, name="ab", ip="10.0.0.9")
    org.refresh_from_db()
    assert org.name == "魏都区教育局"
    event = AuditEvent.objects.get(action="organization.rename_refused")
    assert (event.actor, event.organization, event.ip) == (actor, org, "10.0.0.9")
    assert event.detail["code"] == "rule_violation"
    assert event.detail["basis"] == "规则 1"
    assert event.detail["field"] == "name"
    assert "Too short: ab" in event.detail["message"]
    assert event.detail["service"] == "organization_rename"
    assert list(refusals()) == [event]


@pytest.mark.django_db
def test_a_service_that_succeeds_records_no_refusal():
    org = OrganizationFactory(kind=Organization.Kind.PURCHASER)
    organization_rename(organization=org, actor=UserFactory(), name="许昌市魏都区")
    assert not refusals().exists()


@pytest.mark.django_db
def test_a_refusal_passed_through_an_outer_service_is_recorded_once():
    orgs = [OrganizationFactory(kind=Organization.Kind.PURCHASER)]
    with pytest.raises(DomainError):
        organizations_rename(organizations=orgs, actor=UserFactory())
    assert [e.action for e in refusals()] == ["organization.batch_refused"]


@pytest.mark.django_db
def test_a_failing_recorder_never_hides_the_refusal(monkeypatch):
    import audit.refusals

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit.refusals, "audit_record", broken)
    with pytest.raises(RuleViolation):
        organization_rename(organization=OrganizationFactory(), actor=None, name="a")
