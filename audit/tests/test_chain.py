import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import GENESIS_HASH, audit_record, compute_hash


def _chain(n=3, **kw):
    return [audit_record(action=f"test.step{i}", detail={"i": i, "amount": "12.50"}, **kw)
            for i in range(n)]


@pytest.mark.django_db
def test_events_chain_to_each_other(bob):
    first, second, third = _chain(3, actor=bob)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert compute_hash(AuditEvent.objects.get(pk=third.pk)) == third.hash


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain(capsys):
    _chain(5)
    report = audit_chain_verify()
    assert report.ok and report.checked == 5
    call_command("verify_audit")
    assert "5" in capsys.readouterr().out


def _tamper(sql, params):
    """Change a row behind the application's back, as an attacker with SQL would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's FKs are deferred; settle them so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER "
                           "audit_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER "
                           "audit_auditevent_append_only")


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
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert audit_chain_verify().broken_at == events[2].pk


@pytest.mark.django_db
def test_recomputed_hash_after_tampering_still_breaks_the_next_link():
    events = _chain(3)
    row = AuditEvent.objects.get(pk=events[0].pk)
    row.object_repr = "forged"
    new_hash = compute_hash(row)
    _tamper("UPDATE audit_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
            ["forged", new_hash, row.pk])
    assert audit_chain_verify().broken_at == events[1].pk


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_database_refuses_update_and_delete(sql):
    event = audit_record(action="test.immutable")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.immutable"


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
    assert audit_chain_verify().ok


def test_forwarded_for_uses_the_address_our_proxy_appended(rf, settings):
    from core.http import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.1.2.3"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
