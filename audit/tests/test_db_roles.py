"""The application runs as a database role that owns nothing (PostgreSQL).

``db_grant_app_role`` gives that role what the application needs, and on the
audit tables — the events and the hash chain's seals — only SELECT and INSERT:
it cannot UPDATE, DELETE or TRUNCATE them, and, not being the owner, cannot
disable their triggers. The sealer needs no more on the trail: it only appends
seals. Its queue (``AuditPending``) is a work queue: the role may SELECT, INSERT
and DELETE there, as the sealer takes the rows it sealed, but not UPDATE or
TRUNCATE it.
"""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.models import User
from audit.models import AuditEvent, AuditPending
from audit.selectors import audit_chain_verify
from audit.services import audit_record, audit_seal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="database roles exist on PostgreSQL only"),
    pytest.mark.django_db,
]

ROLE = "chunfeng_test_app"


def _create_role(name, options="NOLOGIN"):
    # Inside the test's transaction: the role disappears with its rollback.
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN CREATE ROLE {name} {options}; "
                       "EXCEPTION WHEN duplicate_object THEN NULL; END $$")


@pytest.fixture
def app_role():
    _create_role(ROLE)
    call_command("db_grant_app_role", role=ROLE, verbosity=0)
    return ROLE


@contextmanager
def acting_as(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(sql, params=(), match="permission denied"):
    """The statement fails; a savepoint keeps the test's transaction usable."""
    with pytest.raises(DatabaseError, match=match):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_app_role_appends_to_the_audit_trail_but_cannot_change_it(app_role, alice):
    earlier = audit_record(action="test.before")
    audit_seal()
    with acting_as(app_role):
        event = audit_record(action="test.as_app", actor=alice)  # the trigger queues it
        assert AuditPending.objects.filter(event=event).exists()
        assert audit_seal() == 1  # the sealer runs as the application too
        assert not AuditPending.objects.exists()  # and takes its rows off the queue
        # The rest of the application works as before.
        User.objects.filter(pk=alice.pk).update(real_name="李爱丽（改）")

        _refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [earlier.pk])
        _refused("DELETE FROM audit_auditevent WHERE id = %s", [earlier.pk])
        _refused("TRUNCATE audit_auditevent")
        _refused("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
                 match="must be owner")
        _refused("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", match="must be owner")
        _refused("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
                 match="must be owner")
        # The chain's seals likewise.
        _refused("UPDATE audit_auditseal SET hash = 'x' WHERE event_id = %s", [earlier.pk])
        _refused("DELETE FROM audit_auditseal WHERE event_id = %s", [earlier.pk])
        _refused("TRUNCATE audit_auditseal")
        _refused("ALTER TABLE audit_auditseal DISABLE TRIGGER ALL", match="must be owner")
        _refused("DROP TRIGGER audit_auditseal_append_only ON audit_auditseal",
                 match="must be owner")
        # Nor can it stop events being queued, or rewrite the queue.
        _refused("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_queue_for_sealing",
                 match="must be owner")
        _refused("UPDATE audit_auditpending SET event_id = %s", [earlier.pk])
        _refused("TRUNCATE audit_auditpending")
    assert AuditEvent.objects.get(pk=event.pk).prev_hash == earlier.hash
    assert audit_chain_verify(checkpoints=[]).ok


def test_tables_created_by_later_migrations_are_granted_too(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE chunfeng_test_later (id bigserial PRIMARY KEY, x int)")
    with acting_as(app_role), connection.cursor() as cursor:
        cursor.execute("INSERT INTO chunfeng_test_later (x) VALUES (1) RETURNING id")
        assert cursor.fetchone()[0] == 1


def test_granting_twice_changes_nothing(app_role):
    call_command("db_grant_app_role", role=app_role, verbosity=0)
    with acting_as(app_role):
        audit_record(action="test.again")
        audit_seal()
        _refused("DELETE FROM audit_auditevent")
        _refused("DELETE FROM audit_auditseal")


def test_a_superuser_is_refused_as_the_app_role():
    _create_role("chunfeng_test_super", "NOLOGIN SUPERUSER")
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_grant_app_role", role="chunfeng_test_super")


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditseal"])
def test_the_owner_and_its_members_are_refused_as_the_app_role(table):
    _create_role("chunfeng_test_owner")
    _create_role("chunfeng_test_member", "NOLOGIN IN ROLE chunfeng_test_owner")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} OWNER TO chunfeng_test_owner")
    for role in ("chunfeng_test_owner", "chunfeng_test_member"):
        with pytest.raises(CommandError, match="owns the audit table"):
            call_command("db_grant_app_role", role=role)


def test_a_privilege_leaking_through_public_on_the_seals_is_named(app_role):
    with connection.cursor() as cursor:
        cursor.execute("GRANT DELETE ON audit_auditseal TO PUBLIC")
    with pytest.raises(CommandError, match="still has DELETE on audit_auditseal"):
        call_command("db_grant_app_role", role=app_role)


def test_a_privilege_leaking_through_public_on_the_queue_is_named(app_role):
    with connection.cursor() as cursor:
        cursor.execute("GRANT UPDATE ON audit_auditpending TO PUBLIC")
    with pytest.raises(CommandError, match="still has UPDATE on audit_auditpending"):
        call_command("db_grant_app_role", role=app_role)


def test_the_app_role_may_take_rows_off_the_queue_and_the_verifier_still_sees_them(
        app_role, settings):
    settings.AUDIT_SEAL_GRACE_SECONDS = 0
    with acting_as(app_role):
        event = audit_record(action="test.dequeued")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditpending WHERE event_id = %s", [event.pk])
        assert audit_seal() == 0
        report = audit_chain_verify(checkpoints=[])
    assert not report.ok and report.unqueued == 1 and f"#{event.pk}" in report.problems[0]


def test_a_missing_role_is_named():
    with pytest.raises(CommandError, match="chunfeng_test_nobody does not exist"):
        call_command("db_grant_app_role", role="chunfeng_test_nobody")
