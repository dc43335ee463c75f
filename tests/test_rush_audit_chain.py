"""The audit chain after a bid rush: many suppliers seal bids at once through the API while
sealers link the chain; afterwards every bid's `bid.seal` event is in the chain once, with
its receipt, and `verify_audit` finds nothing removed or altered.

The chain is no longer one lock around every write (audit.services: appends are plain
INSERTs, the sealer links them after commit), so the rush runs truly in parallel — this
proves that parallelism costs the trail nothing.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent, AuditPending
from audit.selectors import audit_chain_verify
from audit.services import audit_seal
from core.tests.concurrency import at_once
from procurement.models import Bid
from procurement.tests.test_bid_concurrency import _api, _client, _supplier
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers are PostgreSQL's"),
]

BIDDERS = 12


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    restore_reference_data()


def test_the_chain_verifies_after_a_concurrent_rush_with_sealers_racing(live_tender):
    lot = live_tender.lots.get()
    people = [_supplier(n) for n in range(BIDDERS)]
    clients = [_client(user) for _org, user in people]
    stop = threading.Event()
    sealed_by_racers = []

    def sealer():
        while not stop.is_set():
            sealed_by_racers.append(audit_seal())
        connection.close()

    racers = [threading.Thread(target=sealer) for _ in range(2)]
    for t in racers:
        t.start()
    try:
        responses = at_once(*[lambda c=c, i=i: _api(c, lot, f"rush-{i}")
                               for i, c in enumerate(clients)])
    finally:
        stop.set()
        for t in racers:
            t.join(timeout=60)
    assert [getattr(r, "status_code", r) for r in responses] == [201] * BIDDERS

    audit_seal()  # what the racers had not reached yet
    assert not AuditPending.objects.exists()
    report = audit_chain_verify(checkpoints=[])
    assert report.ok, (report.broken_at, report.reason, report.problems)
    assert report.checked == AuditEvent.objects.count() and report.pending == 0

    bids = {str(b.pk): b for b in Bid.objects.filter(lot=lot, status=Bid.Status.SEALED)}
    assert len(bids) == BIDDERS
    events = AuditEvent.objects.filter(action="bid.seal").select_related("seal")
    assert sorted(e.object_id for e in events) == sorted(bids)
    for event in events:
        assert event.chain_seal is not None
        assert event.detail["receipt"] == bids[event.object_id].receipt_sha256
    seqs = sorted(AuditEvent.objects.values_list("seal__seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no double
    call_command("verify_audit")  # raises CommandError when anything does not verify
