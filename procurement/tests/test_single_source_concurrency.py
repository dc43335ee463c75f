# ruff: noqa: F811 — the fixtures of the service tests are imported to be used by name here.
"""A double-click on "report to the finance bureau" raises one request: real concurrent
calls on PostgreSQL, each thread with its own connection. The project row is locked,
so the second call finds the first request and is refused cleanly."""

import threading

import pytest
from django.db import connection

from core.exceptions import DomainError
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
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _reference_data():
    restore_reference_data()


def test_two_reports_at_once_raise_one_request(big_ss, alice):
    barrier = threading.Barrier(2)
    outcomes = []

    def report():
        try:
            barrier.wait()
            services.single_source_report(project=big_ss, actor=alice, now=DEADLINE)
            outcomes.append("reported")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["invalid_transition", "reported"], outcomes
    assert MethodApproval.objects.filter(project=big_ss).count() == 1
