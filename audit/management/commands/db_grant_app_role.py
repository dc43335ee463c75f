"""Give the application's database role what it needs, and no more (PostgreSQL).

Run by the tables' owner after every ``migrate`` (docker-compose's ``migrate``
service does). The application then connects as a role that owns nothing: it
reads and writes the tables, but on the audit trail it may only read and
append — the events and their seals in the hash chain alike. Without UPDATE,
DELETE and TRUNCATE it cannot change the trail even
if a bug or an attacker in the application tries, and as it is not the owner
it cannot disable the table's triggers or alter it either. The sealer's queue
(``AuditPending``) is a work queue, not the trail: the application's sealer
deletes the rows it sealed, so the role may SELECT, INSERT and DELETE there (not
UPDATE or TRUNCATE). Deleting a queue row cannot hide an event: the verifier
looks for unsealed events in the trail itself. Idempotent: the privileges
converge to exactly these whatever was granted before.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from audit.models import AuditEvent, AuditPending, AuditSeal

# A plain lower-case identifier, so it needs no quoting beyond Django's.
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# What the application may never do to the audit trail.
_FORBIDDEN_ON_AUDIT = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")
# And to the sealer's queue: it deletes what it sealed, and never needs more.
_FORBIDDEN_ON_QUEUE = ("UPDATE", "TRUNCATE", "TRIGGER", "REFERENCES")


class Command(BaseCommand):
    help = ("Grant the application's database role SELECT, INSERT, UPDATE, DELETE on every "
            "table but only SELECT and INSERT on the audit trail (events and chain seals) "
            "and SELECT, INSERT, DELETE on the sealer's queue. Run as the owner after migrate.")

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True,
                            help="the role the application connects as, e.g. chunfeng_app")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only; the embedded SQLite "
                               "mode has none.")
        if not _ROLE.match(role):
            raise CommandError(f"{role!r}: use a lower-case role name (letters, digits, _).")
        q = connection.ops.quote_name
        # The trail: its events and the hash chain's seals (both append-only).
        audit_tables = [AuditEvent._meta.db_table, AuditSeal._meta.db_table]
        queue_table = AuditPending._meta.db_table
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"Role {role} does not exist. Create it first (docker-compose: "
                    "deploy/postgres/init-app-role.sh; by hand: CREATE ROLE "
                    f"{role} LOGIN PASSWORD '…'), see docs/operations.md.")
            if row[0]:
                raise CommandError(f"Role {role} is a superuser: it could disable the audit "
                                   "trail's triggers. The application needs a plain role.")
            cursor.execute(
                "SELECT bool_or(pg_has_role(%s, c.relowner, 'MEMBER')), current_database(), "
                "       min(n.nspname) "
                "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                " WHERE c.oid = ANY(%s::regclass[])", [role, audit_tables])
            is_owner, database_name, schema = cursor.fetchone()
            if is_owner:
                raise CommandError(
                    f"Role {role} owns the audit table, or is a member of the role that does, "
                    "and could disable its triggers. Run migrations as the owner and the "
                    "application as another role.")
            r, s = q(role), q(schema)
            trail = ", ".join(q(table) for table in audit_tables)
            for sql in [
                f"GRANT CONNECT ON DATABASE {q(database_name)} TO {r}",
                f"GRANT USAGE ON SCHEMA {s} TO {r}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
                # The trail: read and append only.
                f"REVOKE UPDATE, DELETE ON {trail} FROM {r}",
                # The sealer's queue: taken from, never rewritten.
                f"REVOKE UPDATE ON {q(queue_table)} FROM {r}",
                # Tables and sequences later migrations create (as this owner).
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
            ]:
                cursor.execute(sql)
            # Privileges also come through role membership and PUBLIC: check the result.
            forbidden = {table: _FORBIDDEN_ON_AUDIT for table in audit_tables}
            forbidden[queue_table] = _FORBIDDEN_ON_QUEUE
            for table, privileges in forbidden.items():
                cursor.execute(
                    "SELECT p FROM unnest(%s::text[]) AS p "
                    " WHERE has_table_privilege(%s, %s, p)",
                    [list(privileges), role, table])
                leaked = [p for (p,) in cursor.fetchall()]
                if leaked:
                    raise CommandError(
                        f"Role {role} still has {', '.join(leaked)} on {table} through "
                        "another role or PUBLIC; revoke it there.")
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
            tables = cursor.fetchone()[0]
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Role {role}: SELECT, INSERT, UPDATE, DELETE on {tables} tables of schema "
                f"{schema}; on {' and '.join(audit_tables)} SELECT and INSERT only; on "
                f"{queue_table} SELECT, INSERT and DELETE."))
