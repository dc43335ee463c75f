"""TRUNCATE cannot empty the audit trail (PostgreSQL: SQLite has no triggers).

Before migration 0003 a TRUNCATE succeeded, and ``verify_audit`` then
reported an intact chain of 0 events.
"""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent, AuditSeal
from audit.services import audit_record, audit_seal

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the append-only triggers exist on PostgreSQL only")


def _execute(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        # Settle Django's deferred foreign-key checks first: PostgreSQL refuses
        # to TRUNCATE a table with pending trigger events, whatever our trigger says.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.mark.django_db
def test_database_refuses_truncate_of_the_audit_table():
    audit_record(action="test.kept")
    # With the seals too (a plain TRUNCATE already fails on their foreign key).
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        _execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.filter(action="test.kept").count() == 1


@pytest.mark.django_db
def test_database_refuses_truncate_of_the_chain_seals():
    audit_record(action="test.kept")
    audit_seal()
    with pytest.raises(DatabaseError, match="audit_auditseal is append-only: TRUNCATE refused"):
        _execute("TRUNCATE audit_auditseal")
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db
def test_truncate_cascading_from_the_users_table_is_refused_too(alice):
    audit_record(action="test.by_alice", actor=alice)
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        _execute("TRUNCATE accounts_user CASCADE")
    assert AuditEvent.objects.filter(actor=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_flush_the_test_database():
    # pytest-django empties the database with TRUNCATE after this test; the
    # test plugin (audit.tests.fixtures) lets that one statement through.
    # Without it this test errors at teardown.
    audit_record(action="test.flushed_afterwards")
    audit_seal()
    assert AuditEvent.objects.count() == 1 == AuditSeal.objects.count()
