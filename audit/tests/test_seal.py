"""Requests append events without a lock; the sealer links them into the chain afterwards.

Before, every write in the platform took one advisory lock until its transaction
committed, so 300 suppliers sealing bids at once queued behind each other. Now
``audit_record`` is one INSERT and ``audit_seal`` (the beat's ``audit-seal``, every
few seconds) gives each committed event its ``AuditSeal``: its place ``seq`` in the
chain, in the order the sealer saw the events committed. It finds them in a queue,
``AuditPending``, that a trigger on the event table fills (migration 0007), so its
work does not grow with the trail.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent, AuditPending, AuditSeal
from audit.selectors import audit_chain_verify
from audit.services import (
    GENESIS_HASH,
    audit_pending_restore,
    audit_record,
    audit_record_many,
    audit_seal,
)
from conftest import org_of

pytestmark = pytest.mark.django_db


def test_recording_takes_no_lock_and_leaves_the_event_pending(django_assert_num_queries):
    with django_assert_num_queries(1):  # the INSERT: no lock, no read of the head
        event = audit_record(action="test.quick", detail={"n": 1})
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.hash is None and event.prev_hash is None and event.chain_seal is None
    report = audit_chain_verify()
    assert report.ok and report.checked == 0
    assert report.pending == 1 and report.oldest_pending.pk == event.pk


def test_the_sealer_reads_and_writes_one_statement_per_batch_from_the_queue():
    events = [audit_record(action=f"test.batch{i}") for i in range(5)]
    assert list(AuditPending.objects.values_list("event_id", flat=True)) == [
        e.pk for e in events]
    with CaptureQueriesContext(connection) as queries:
        assert audit_seal(batch_size=2) == 5
    sql = [q["sql"] for q in queries.captured_queries
           if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT pg_advisory"))]
    # Batches of 2, 2 and 1, each: the head, the queue's first rows with their events,
    # one INSERT of the seals, one DELETE of those queue rows. Nothing else.
    assert len(sql) == 3 * 4
    assert sum(s.startswith('SELECT "audit_auditseal"') for s in sql) == 3
    assert sum(s.startswith('SELECT "audit_auditpending"') for s in sql) == 3
    assert sum(s.startswith('INSERT INTO "audit_auditseal"') for s in sql) == 3
    assert sum(s.startswith('DELETE FROM "audit_auditpending"') for s in sql) == 3
    # The events are read only through the queue, never scanned for a missing seal.
    reading_events = [s for s in sql if '"audit_auditevent"' in s]
    assert reading_events and all(
        s.startswith('SELECT "audit_auditpending"') and "LIMIT 2" in s for s in reading_events)
    assert list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id")) == [
        (i + 1, e.pk) for i, e in enumerate(events)]
    assert not AuditPending.objects.exists()
    report = audit_chain_verify()
    assert report.ok and report.checked == 5 and report.pending == 0


def test_every_insert_is_queued_by_the_database_raw_sql_included():
    one = audit_record(action="test.orm")
    many = audit_record_many([{"action": "test.bulk"} for _ in range(3)])
    with connection.cursor() as cursor:
        # Not through audit_record: the trigger (migration 0007) queues it all the same.
        # (On SQLite, a migration that rebuilds the event table drops the trigger:
        # this fails until that migration creates it again.)
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_name, action, object_id, object_repr, "
            "detail) VALUES (%s, '', 'test.raw', '', '', '{}')", [one.at])
    raw = AuditEvent.objects.get(action="test.raw")
    assert set(AuditPending.objects.values_list("event_id", flat=True)) == {
        one.pk, raw.pk, *(e.pk for e in many)}
    assert audit_seal() == 5
    assert AuditSeal.objects.filter(event=raw).exists()
    assert not AuditPending.objects.exists()
    assert audit_chain_verify().ok


def test_an_event_recorded_in_a_rolled_back_transaction_leaves_no_queue_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back")
        raise RuntimeError
    assert not AuditPending.objects.exists() and audit_seal() == 0


def test_a_queue_row_for_an_event_sealed_already_is_dropped_not_sealed_twice():
    event = audit_record(action="test.once")
    assert audit_seal() == 1
    AuditPending.objects.create(event=event)  # put back by hand
    later = audit_record(action="test.after")
    assert audit_seal() == 1  # the later one; the stale row cannot stop the sealer
    assert not AuditPending.objects.exists()
    assert list(AuditSeal.objects.order_by("seq").values_list("event_id", flat=True)) == [
        event.pk, later.pk]
    assert audit_chain_verify().ok


def test_an_event_taken_out_of_the_queue_is_still_caught_and_sealed_only_on_request(
        settings, capsys):
    settings.AUDIT_SEAL_GRACE_SECONDS = 600
    kept, taken = audit_record(action="test.kept"), audit_record(action="test.taken")
    # The application's role may delete queue rows (it is a work queue, not the trail).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditpending WHERE event_id = %s", [taken.pk])
    assert audit_seal() == 1 and audit_seal() == 0  # the beat never sees it
    assert AuditSeal.objects.filter(event=kept).exists()

    # The verifier looks in the trail, not in the queue.
    report = audit_chain_verify(now=taken.at + timedelta(seconds=600))
    assert report.ok and report.pending == 1 and report.unqueued == 1
    late = taken.at + timedelta(seconds=601)
    report = audit_chain_verify(now=late)
    assert not report.ok and report.broken_at is None
    assert f"the oldest #{taken.pk}" in report.problems[0]
    assert "missing from the sealing queue" in report.problems[0]

    # verify_audit names it, within the grace as a warning, after it as a failure.
    call_command("verify_audit")
    err = capsys.readouterr().err
    assert "1 of them is missing from the sealing queue" in err
    settings.AUDIT_SEAL_GRACE_SECONDS = 0
    with pytest.raises(CommandError, match=f"the oldest #{taken.pk} .* missing from the "
                                           "sealing queue"):
        call_command("verify_audit")

    # Asked explicitly, --seal queues it again, says so, and seals it.
    call_command("verify_audit", seal=True)
    captured = capsys.readouterr()
    assert f"1 unsealed event was missing from the sealing queue (#{taken.pk})" in captured.err
    assert "Sealed 1 pending event." in captured.out
    assert "Audit chain intact: 2 events." in captured.out
    assert AuditSeal.objects.get(event=taken).seq == 2
    assert audit_pending_restore() == [] and not AuditPending.objects.exists()


def test_the_migration_queues_the_events_waiting_before_the_trigger():
    import importlib

    backfill = importlib.import_module("audit.migrations.0008_queue_unsealed_events")
    audit_record(action="test.sealed")
    audit_seal()
    waiting, queued = (audit_record(action=f"test.m{i}") for i in range(2))
    # As before migration 0007: ``waiting`` was recorded without a trigger.
    AuditPending.objects.filter(event=waiting).delete()
    with connection.cursor() as cursor:
        cursor.execute(backfill.QUEUE)
        cursor.execute(backfill.QUEUE)  # twice: nothing queued twice
    assert set(AuditPending.objects.values_list("event_id", flat=True)) == {
        waiting.pk, queued.pk}
    assert audit_seal() == 2 and audit_chain_verify().ok


def test_record_many_inserts_in_one_query_and_chains_like_the_rest(
        django_assert_num_queries, bob):
    audit_record(action="test.before")
    entries = [{"action": "test.clock", "organization": org_of(bob), "obj": bob,
                "detail": {"i": i, "amount": "1.10"}, "ip": "10.0.0.1"} for i in range(50)]
    ContentType.objects.get_for_model(bob)  # cached per process, as in a running worker
    with django_assert_num_queries(1):
        events = audit_record_many(entries)
    assert [e.detail["i"] for e in events] == list(range(50))
    assert all(e.pk for e in events) and len({e.pk for e in events}) == 50
    stored = AuditEvent.objects.get(pk=events[7].pk)
    assert (stored.object_id, stored.organization_id, stored.ip) == (
        str(bob.pk), org_of(bob).pk, "10.0.0.1")
    assert audit_record_many([]) == []
    assert audit_seal() == 51
    report = audit_chain_verify()
    assert report.ok and report.checked == 51


def test_an_event_pending_past_the_grace_fails_verification(settings, capsys):
    settings.AUDIT_SEAL_GRACE_SECONDS = 600
    event = audit_record(action="test.waiting")
    assert audit_chain_verify(now=event.at + timedelta(seconds=600)).ok
    report = audit_chain_verify(now=event.at + timedelta(seconds=601))
    assert not report.ok and report.broken_at is None and report.pending == 1
    assert "is the sealer" in report.problems[0] and f"#{event.pk}" in report.problems[0]

    settings.AUDIT_SEAL_GRACE_SECONDS = 1
    old = audit_record(action="test.old", now=event.at - timedelta(hours=1))
    with pytest.raises(CommandError, match=f"the oldest #{old.pk} .* is the sealer"):
        call_command("verify_audit")
    # --seal seals first, as the beat would: then it verifies.
    call_command("verify_audit", seal=True)
    out = capsys.readouterr().out
    assert "Sealed 2 pending events." in out and "Audit chain intact: 2 events." in out


def test_verify_audit_reports_the_pending_events_without_sealing_them(capsys):
    audit_record(action="test.one")
    audit_seal()
    pending = audit_record(action="test.two")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Audit chain intact: 1 events." in out
    assert f"1 more event pending sealing, the oldest #{pending.pk}" in out
    assert not AuditSeal.objects.filter(event=pending).exists()


def test_a_checkpoint_seals_the_pending_events_before_signing_the_head(settings, tmp_path):
    from audit.anchor import audit_checkpoint_write

    events = [audit_record(action=f"test.c{i}") for i in range(3)]
    checkpoint = audit_checkpoint_write(now=events[-1].at)
    assert checkpoint.count == 3 and checkpoint.last_id == events[-1].pk
    assert checkpoint.head_hash == AuditEvent.objects.get(pk=events[-1].pk).hash
    assert audit_chain_verify().checkpoints == 1


def test_the_beat_seals_every_few_seconds():
    from audit import tasks
    from config.celery import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["audit-seal"]
    assert entry["task"] == "audit.tasks.seal" and entry["schedule"] <= 10
    audit_record(action="test.beat")
    assert tasks.seal() == 1 and tasks.seal() == 0


def test_pending_events_show_as_such_on_the_page_and_in_the_api(client, supervisor):
    audit_record(action="test.sealed")
    audit_seal()
    audit_record(action="test.pending")
    client.force_login(supervisor)
    body = client.get(reverse("audit:event-list")).content.decode()
    sealed = AuditEvent.objects.get(action="test.sealed")
    assert sealed.hash[:10] in body
    assert "Sealing pending" in body or "待入链" in body
    rows = {e["action"]: e for e in client.get(reverse("api:audit-event-list")).json()["results"]}
    assert rows["test.pending"]["hash"] is None and rows["test.pending"]["seq"] is None
    assert rows["test.sealed"]["hash"] == sealed.hash and rows["test.sealed"]["seq"] == 1


def test_the_admin_shows_the_chain_or_that_sealing_is_pending(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    pending = audit_record(action="test.admin_pending")
    client.force_login(admin)
    page = client.get(reverse("admin:audit_auditevent_change", args=[pending.pk]))
    assert page.status_code == 200
    assert "Sealing pending" in page.content.decode() or "待入链" in page.content.decode()
    audit_seal()
    page = client.get(reverse("admin:audit_auditevent_change", args=[pending.pk]))
    body = page.content.decode()
    assert AuditEvent.objects.get(pk=pending.pk).hash in body and GENESIS_HASH in body
    found = client.get(reverse("admin:audit_auditevent_changelist"),
                       {"q": AuditEvent.objects.get(pk=pending.pk).hash})
    assert found.context["cl"].result_count == 1
