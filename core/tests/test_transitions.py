"""One way to change a status: the table allows the step, the change leaves a row."""

import pytest

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory, UserFactory
from core.exceptions import InvalidTransition
from core.models import StatusChange
from core.transitions import StateTable, Step, transition

# Any status-like choices field will do: the table is generic over the field it guards.
TABLE = StateTable("accounts.Organization", [
    Step("approve", Organization.Kind.AGENCY, Organization.Kind.CENTRAL_AGENCY, "Promote"),
    Step("demote", [Organization.Kind.CENTRAL_AGENCY], Organization.Kind.AGENCY, "Demote"),
], field="kind")


def test_steps_are_read_from_the_table():
    agency = Organization(kind=Organization.Kind.AGENCY)
    assert TABLE.actions(agency) == ["approve"]
    assert TABLE.can(agency, "approve") and not TABLE.can(agency, "demote")
    assert TABLE.allows(agency, Organization.Kind.CENTRAL_AGENCY)
    assert not TABLE.allows(agency, Organization.Kind.BANK)
    assert TABLE.statuses() == {"agency", "central_agency"}
    assert TABLE.step("demote").label == "Demote"


def test_step_names_are_unique():
    with pytest.raises(ValueError):
        StateTable("x.Y", [Step("a", "p", "q"), Step("a", "q", "p")])


@pytest.mark.django_db
def test_a_step_saves_the_field_and_leaves_a_row():
    agency = OrganizationFactory(kind=Organization.Kind.AGENCY)
    officer = UserFactory()
    step = transition(agency, Organization.Kind.CENTRAL_AGENCY, table=TABLE, actor=officer,
                      reason="designated")
    assert step.name == "approve"
    agency.refresh_from_db()
    assert agency.kind == Organization.Kind.CENTRAL_AGENCY
    [row] = StatusChange.of(agency)
    assert (row.old, row.new, row.actor, row.reason, row.step, row.field) == (
        "agency", "central_agency", officer, "designated", "approve", "kind")
    assert str(row.new_label) == str(Organization.Kind.CENTRAL_AGENCY.label)


@pytest.mark.django_db
def test_a_step_the_table_does_not_allow_changes_nothing():
    agency = OrganizationFactory(kind=Organization.Kind.AGENCY)
    with pytest.raises(InvalidTransition) as refused:
        transition(agency, Organization.Kind.BANK, table=TABLE)
    assert refused.value.status_code == 409
    assert "Bank" in str(refused.value) or "银行" in str(refused.value)
    agency.refresh_from_db()
    assert agency.kind == Organization.Kind.AGENCY
    assert not StatusChange.of(agency).exists()
