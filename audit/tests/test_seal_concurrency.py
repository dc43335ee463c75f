"""Sealing is right whatever the interleaving (PostgreSQL: real transactions, threads).

Ids are taken when a row is inserted, not when its transaction commits, so id order
is not commit order: the chain's order is the seal's ``seq``, given by the sealer in
the order it sees events committed. Several sealers take turns on the chain lock.
"""

import threading

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent, AuditPending, AuditSeal
from audit.selectors import audit_chain_verify
from audit.services import audit_record, audit_seal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="concurrent transactions and advisory locks are PostgreSQL's"),
]


def _in_threads(target, n):
    errors = []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_an_event_committed_after_a_later_id_is_sealed_after_it():
    recorded, release, early = threading.Event(), threading.Event(), {}

    def slow_transaction():
        try:
            with transaction.atomic():
                early["event"] = audit_record(action="test.early_id_late_commit")
                recorded.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert recorded.wait(30)
    late = audit_record(action="test.later_id_first_commit")  # commits at once
    assert late.pk > early["event"].pk

    assert audit_seal() == 1  # the uncommitted one is not seen, so not skipped over
    # Its queue row commits with it, so the sealer cannot see one without the other.
    assert list(AuditPending.objects.values_list("event_id", flat=True)) == []
    release.set()
    thread.join(30)
    assert audit_seal() == 1
    assert audit_seal() == 0

    assert list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id")) == [
        (1, late.pk), (2, early["event"].pk)]
    report = audit_chain_verify(checkpoints=[])
    assert report.ok and report.checked == 2 and report.pending == 0


def test_a_burst_of_appends_and_racing_sealers_seal_each_event_exactly_once():
    stop = threading.Event()
    sealed = []

    def append(i):
        for n in range(25):
            with transaction.atomic():
                audit_record(action="test.burst", detail={"thread": i, "n": n})

    def seal_meanwhile():
        try:
            while not stop.is_set():
                sealed.append(audit_seal(batch_size=7))
        finally:
            connection.close()

    sealers = [threading.Thread(target=seal_meanwhile) for _ in range(2)]
    for t in sealers:
        t.start()
    try:
        _in_threads(append, 8)
    finally:
        stop.set()
        for t in sealers:
            t.join(timeout=60)

    # Four sealers released together on what is left: they take turns, never double up.
    def seal_rest(i):
        sealed.append(audit_seal(batch_size=5))

    _in_threads(seal_rest, 4)
    assert AuditEvent.objects.count() == 200
    assert sum(sealed) == 200 == AuditSeal.objects.count()
    assert list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 201))
    assert not AuditPending.objects.exists()  # each queue row taken with its seal
    report = audit_chain_verify(checkpoints=[])
    assert report.ok and report.checked == 200 and report.pending == 0
