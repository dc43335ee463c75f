from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent, AuditSeal
from audit.selectors import audit_chain_verify
from audit.services import GENESIS_HASH, audit_record, audit_seal, compute_hash


def _chain(n=3, **kw):
    """``n`` events, sealed into the chain as the beat would."""
    events = [audit_record(action=f"test.step{i}", detail={"i": i, "amount": "12.50"}, **kw)
              for i in range(n)]
    audit_seal()
    return events


@pytest.mark.django_db
def test_events_chain_to_each_other(bob):
    recorded = [audit_record(action=f"test.step{i}", actor=bob) for i in range(3)]
    # Recorded without a lock: not in the chain until the sealer runs.
    assert AuditSeal.objects.count() == 0
    assert audit_seal() == 3
    first, second, third = (AuditEvent.objects.get(pk=e.pk) for e in recorded)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [first.seal.seq, second.seal.seq, third.seal.seq] == [1, 2, 3]
    assert compute_hash(third, prev=second.hash) == third.hash
    assert audit_seal() == 0  # each event is sealed once


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain(capsys):
    _chain(5)
    report = audit_chain_verify()
    assert report.ok and report.checked == 5
    call_command("verify_audit")
    assert "5" in capsys.readouterr().out


TRAIL = ("audit_auditevent", "audit_auditseal")


def _tamper(sql, params):
    """Change rows behind the application's back, as an attacker with SQL would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's FKs are deferred; settle them so the tables can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TRAIL:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            for table in TRAIL:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


@pytest.mark.django_db
def test_verify_audit_detects_an_event_altered_in_the_database():
    events = _chain(4)
    target = events[2]
    _tamper("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s",
            ["改过的", target.pk])

    report = audit_chain_verify()
    assert report.broken_at == target.pk
    assert "altered" in report.reason
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_detects_a_removed_event():
    events = _chain(4)
    # The event and its seal: the seal's foreign key keeps an event from going alone.
    _tamper("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert audit_chain_verify().broken_at == events[2].pk


@pytest.mark.django_db
def test_recomputed_hash_after_tampering_still_breaks_the_next_link():
    events = _chain(3)
    row = AuditEvent.objects.get(pk=events[0].pk)
    row.object_repr = "forged"
    new_hash = compute_hash(row, prev=GENESIS_HASH)
    _tamper("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["forged", row.pk])
    _tamper("UPDATE audit_auditseal SET hash = %s WHERE event_id = %s", [new_hash, row.pk])
    assert audit_chain_verify().broken_at == events[1].pk


@pytest.mark.django_db
def test_verify_audit_detects_an_altered_seal():
    events = _chain(4)
    _tamper("UPDATE audit_auditseal SET hash = %s WHERE event_id = %s", ["f" * 64, events[1].pk])
    report = audit_chain_verify()
    assert report.broken_at == events[1].pk and "altered" in report.reason
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_detects_a_seal_moved_to_another_place_in_the_chain():
    events = _chain(3)
    # Swap the last two seals' places: each still verifies its own event.
    _tamper("UPDATE audit_auditseal SET seq = seq + 100 WHERE seq >= 2", [])
    _tamper("UPDATE audit_auditseal SET seq = 5 - (seq - 100) WHERE seq >= 100", [])
    assert audit_chain_verify().broken_at == events[2].pk


@pytest.mark.django_db
def test_verify_audit_detects_a_removed_seal_and_shows_its_event_pending(settings):
    events = _chain(4)
    _tamper("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert report.broken_at == events[2].pk and "removed" in report.reason
    assert report.pending == 1 and report.oldest_pending.pk == events[1].pk


@pytest.mark.django_db
def test_removing_the_last_seal_leaves_its_event_pending_until_the_grace_runs_out():
    events = _chain(3)
    _tamper("DELETE FROM audit_auditseal WHERE event_id = %s", [events[2].pk])
    assert audit_chain_verify().ok  # the links alone cannot see it (the checkpoints can)
    later = events[2].at + timedelta(seconds=601)
    report = audit_chain_verify(now=later)
    assert not report.ok and report.broken_at is None
    assert f"the oldest #{events[2].pk}" in report.problems[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="only PostgreSQL's replica mode skips the foreign key as well")
def test_verify_audit_detects_a_seal_whose_event_is_missing():
    events = _chain(3)
    with connection.cursor() as cursor:
        # What a superuser can do: replica mode skips triggers and foreign keys alike.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    report = audit_chain_verify()
    assert report.broken_at == events[1].pk and "missing" in report.reason
    with pytest.raises(CommandError, match="names an event that is missing"):
        call_command("verify_audit")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
    "UPDATE audit_auditseal SET hash = 'x' WHERE event_id = %s",
    "DELETE FROM audit_auditseal WHERE event_id = %s",
])
def test_database_refuses_update_and_delete(sql):
    event = audit_record(action="test.immutable")
    audit_seal()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.action == "test.immutable" and event.seal.hash != "x"


@pytest.mark.django_db
def test_admin_cannot_change_or_delete_events(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    event = audit_record(action="test.admin")
    client.force_login(admin)
    response = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "stored"), [("0:0::1", "::1"), ("2001:DB8::1", "2001:db8::1"),
                                               ("not-an-ip", None)])
def test_addresses_are_stored_as_hashed(given, stored):
    event = audit_record(action="test.ip", ip=given)
    assert AuditEvent.objects.get(pk=event.pk).ip == stored
    audit_seal()
    assert audit_chain_verify().ok


def test_forwarded_for_uses_the_address_our_proxy_appended(rf, settings):
    from core.http import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.1.2.3"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
