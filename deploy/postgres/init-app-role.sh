#!/bin/sh
# Creates the database role the application runs as (docs/operations.md, "Database roles").
#
# The postgres image runs this once, when it initialises an empty data volume
# (docker-compose.yml mounts it into /docker-entrypoint-initdb.d/). For a volume
# initialised before, run it by hand; it is idempotent and also resets the password:
#   docker compose exec db sh /docker-entrypoint-initdb.d/10-app-role.sh
#
# The role may log in and owns nothing; `manage.py db_grant_app_role`, run by the
# owner after every migrate, gives it its privileges. The password is read from
# the environment inside psql (\getenv), so it never appears on a command line.
# No `set -u`: the image sources scripts that are not executable, and -u would
# then leak into its own entrypoint.
set -e

: "${CHUNFENG_APP_ROLE:=chunfeng_app}"
if [ -z "${CHUNFENG_APP_PASSWORD:-}" ]; then
    echo "init-app-role: CHUNFENG_APP_PASSWORD is not set" >&2
    exit 1
fi

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" \
     --dbname "${POSTGRES_DB:-postgres}" -v role="$CHUNFENG_APP_ROLE" <<'SQL'
\getenv password CHUNFENG_APP_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
              'NOBYPASSRLS PASSWORD %L', :'role', :'password') \gexec
SQL
echo "init-app-role: role $CHUNFENG_APP_ROLE is ready"
