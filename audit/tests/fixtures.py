"""Test plugin for every test (listed in the root conftest's ``pytest_plugins``).

- ``AUDIT_ANCHOR_DIR`` is a fresh folder per test: checkpoints written on this
  machine (``var/anchors`` of a local ``make run``) must never reach the
  verification of a test database.
- Transactional tests end with Django's flush, one ``TRUNCATE`` of every
  table, which migration ``audit.0003`` refuses for the audit table. For that
  statement only, the session runs as a replica (``session_replication_role``),
  which skips ordinary triggers. Setting it needs a superuser, as the tests'
  database user is (Makefile, docs/architecture.md); production has no such
  way round the trigger short of disabling it, which the checkpoints show.
"""

import pytest


@pytest.fixture(autouse=True)
def _audit_anchor_dir(settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_truncate_trigger():
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original
