"""Each status table of procurement, walked step by step (``procurement.steps``).

For every step of PROJECT, LOT, BID, BID_QUERY and DEMAND, from every status it may
start in, ``core.transitions.transition`` takes it and leaves one ``StatusChange``
row naming it; every move the table does not hold is refused with
``InvalidTransition`` and changes nothing — neither the row nor the history.
Which *service* takes each step is walked in test_steps_services.py.
"""

from decimal import Decimal

import pytest

from core.exceptions import InvalidTransition
from core.models import StatusChange
from core.transitions import transition
from procurement import steps
from procurement.models import Bid, BidQuery, Demand, Lot, Project
from procurement.tests.fixtures import DEADLINE

pytestmark = pytest.mark.django_db


def _put(obj, status):
    """Set the status behind the table's back: the test's starting point only."""
    type(obj).objects.filter(pk=obj.pk).update(status=status)
    obj.refresh_from_db()


def _walk(table, obj, actor):
    """Take every step from every source, then try every move the table lacks."""
    statuses = [value for value, _label in obj._meta.get_field(table.field).choices]
    assert table.statuses() <= set(statuses)
    for step in table.steps:
        for source in sorted(step.source):
            _put(obj, source)
            before = StatusChange.of(obj).count()
            taken = transition(obj, step.target, table=table, actor=actor, reason="walk")
            obj.refresh_from_db()
            row = StatusChange.of(obj).last()
            assert taken.name == step.name and obj.status == step.target
            assert StatusChange.of(obj).count() == before + 1
            assert (row.old, row.new, row.step, row.actor, row.reason) == (
                source, step.target, step.name, actor, "walk")
            assert table.can(obj, step.name) is (step.target in step.source)
    for current in statuses:
        for target in statuses:
            if table.step_to(current, target) is not None:
                continue
            _put(obj, current)
            before = StatusChange.of(obj).count()
            with pytest.raises(InvalidTransition):
                transition(obj, target, table=table, actor=actor)
            assert obj.status == current  # not even in memory
            obj.refresh_from_db()
            assert obj.status == current and StatusChange.of(obj).count() == before


def test_the_project_table(project, alice):
    _walk(steps.PROJECT, project, alice)


def test_the_demand_table(demand, alice):
    _walk(steps.DEMAND, demand, alice)


def test_the_lot_bid_and_query_tables(opened, alice):
    lot, _bidders = opened
    bid = Bid.objects.filter(lot=lot).first()
    query = BidQuery.objects.create(bid=bid, kind=BidQuery.Kind.ABNORMALLY_LOW, question="?",
                                    stated_price=Decimal("1"), requested_at=DEADLINE)
    _walk(steps.LOT, lot, alice)
    _walk(steps.BID, bid, alice)
    _walk(steps.BID_QUERY, query, alice)


def test_every_status_is_reached_and_names_are_buttons():
    """No status of a model is left out of its table, and each step has a label."""
    for table, model in ((steps.PROJECT, Project), (steps.LOT, Lot), (steps.BID, Bid),
                         (steps.BID_QUERY, BidQuery), (steps.DEMAND, Demand)):
        assert table.statuses() == set(model.Status.values), table.model_label
        assert all(str(s.label) and str(s.label) != s.name for s in table.steps)
        assert steps.AUTOMATIC[table.model_label] <= {s.name for s in table.steps}


def test_the_page_shows_only_the_steps_a_person_takes(project):
    assert steps.PROJECT.actions(project) == ["submit", "cancel"]
    _put(project, Project.Status.ANNOUNCED)
    assert steps.PROJECT.actions(project) == ["open", "fail", "cancel"]
    assert steps.manual_actions(steps.PROJECT, project) == ["cancel"]
    assert steps.table_for(project) is steps.PROJECT
