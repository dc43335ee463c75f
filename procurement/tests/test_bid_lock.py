"""The lot's lock between bidders and the services that end bidding, on PostgreSQL.

A bid holds the lot ``FOR KEY SHARE`` from its checks to its commit
(``bidding._lot_for_bidding``); opening, a failure and a cancellation take the lot
``FOR UPDATE`` first, so they wait for every bid in flight — no bid received before
them is lost or left out of their notices — while bidders never wait for each other.
"""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection, transaction

from procurement import services
from procurement.models import Lot
from procurement.services import bidding, opening
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    restore_reference_data()


class BidInFlight:
    """Another connection holding the lot as a bid does, until ``finish``."""

    def __init__(self, lot):
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, args=(lot,))

    def _run(self, lot):
        try:
            with transaction.atomic():
                bidding._lot_for_bidding(lot)
                self.locked.set()
                self.release.wait(30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(30)


def _refused_while_held(call):
    """``call`` cannot get past the lock within half a second: it waits for the bid."""
    with pytest.raises(OperationalError, match="lock"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        call()


def test_bidders_do_not_wait_for_each_other(live_tender):
    lot = live_tender.lots.get()
    with BidInFlight(lot), BidInFlight(lot), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        assert bidding._lot_for_bidding(lot).pk == lot.pk


def test_opening_waits_for_a_bid_in_flight(live_tender):
    lot = live_tender.lots.get()
    after = live_tender.bid_deadline + dt.timedelta(seconds=1)
    with BidInFlight(lot):
        _refused_while_held(lambda: services.lot_open(lot=lot, now=after))
    services.lot_open(lot=lot, now=after)  # once the bid is in, opening goes on
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.FAILED  # no bid: too few


def test_a_failure_and_a_cancellation_wait_for_a_bid_in_flight(live_tender, alice, approver):
    lot = live_tender.lots.get()
    with BidInFlight(lot):
        _refused_while_held(lambda: opening.lot_fail(lot=lot, reason="测试", basis="测试",
                                                     detail={}, now=None))
        _refused_while_held(lambda: services.project_cancel(
            project=live_tender, actor=approver, reason="采购需求发生重大变化"))
    services.project_cancel(project=live_tender, actor=approver, reason="采购需求发生重大变化")
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.CANCELLED
