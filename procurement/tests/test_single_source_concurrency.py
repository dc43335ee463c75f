# ruff: noqa: F811 — the fixtures of the service tests are imported to be used by name here.
"""A double-click on "report to the finance bureau" raises one request: real concurrent
calls on PostgreSQL, each thread with its own connection. The project row is locked,
so the second call finds the first request and is refused cleanly."""

import pytest
from django.db import connection

from core.tests.concurrency import at_once, outcome
from procurement import services
from procurement.models import MethodApproval
from procurement.tests.test_single_source import (  # noqa: F401
    DEADLINE,
    big_ss,
    named,
)
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _reference_data():
    restore_reference_data()


def test_two_reports_at_once_raise_one_request(big_ss, alice):
    results = at_once(*[lambda: services.single_source_report(project=big_ss, actor=alice,
                                                             now=DEADLINE)] * 2)
    outcomes = [outcome(r, "reported") for r in results]
    assert sorted(outcomes) == ["invalid_transition", "reported"], outcomes
    assert MethodApproval.objects.filter(project=big_ss).count() == 1
