#!/usr/bin/env bash
# Provisions PostgreSQL for CareLoop: database `careloop` and, per service schema, a login role
# `careloop_<schema>` that owns schema `<schema>` and can reach nothing else. Idempotent: run again to
# rotate passwords.
#
# Runs as /docker-entrypoint-initdb.d/ script of the official postgres image (first start of an empty
# volume), or by hand against a managed server as its admin user:
#   PGHOST=db.internal PGUSER=admin PGPASSWORD=… INTAKE_DB_PASSWORD=… ROUTING_DB_PASSWORD=… \
#     REPAIR_DISPATCH_DB_PASSWORD=… SURVEY_DB_PASSWORD=… NOTIFICATION_DB_PASSWORD=… deploy/postgres/init.sh
# Each role's password comes from <SCHEMA>_DB_PASSWORD (upper case). It reaches psql through the
# environment (\getenv, psql 15 or newer), never the command line, so `ps` does not show it.
set -euo pipefail

SCHEMAS="intake routing repair_dispatch survey notification"
DATABASE=${CARELOOP_DATABASE_NAME:-careloop}

# Inside the image's entrypoint POSTGRES_USER is the superuser and the server listens on its socket;
# by hand the usual PG* variables apply.
psql=(psql -X -v ON_ERROR_STOP=1 -q)
if [[ -n "${POSTGRES_USER:-}" ]]; then psql+=(--username "$POSTGRES_USER"); fi

for schema in $SCHEMAS; do
    variable="$(echo "$schema" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    if [[ -z "${!variable:-}" ]]; then
        echo "init.sh: $variable is not set (password of role careloop_$schema)" >&2
        exit 1
    fi
done

"${psql[@]}" --dbname postgres -v db="$DATABASE" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
-- Only the service roles (granted below) may connect; PostgreSQL 15 already keeps PUBLIC out of schema public.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL

for schema in $SCHEMAS; do
    variable="$(echo "$schema" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    ROLE_PASSWORD=${!variable} "${psql[@]}" --dbname "$DATABASE" -v db="$DATABASE" -v schema="$schema" \
        -v role="careloop_$schema" <<'SQL'
\getenv password ROLE_PASSWORD
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
-- Set on every run, so running the script again rotates the password.
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'password') \gexec
-- An admin that is not a superuser (managed servers) must be a member of the role to give it a schema.
SELECT format('GRANT %I TO %I', :'role', current_user) FROM pg_roles WHERE rolname = current_user AND NOT rolsuper \gexec
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'schema', :'role') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', :'schema', :'role') \gexec
-- CONNECT to reach the database. CREATE because the migrator runs `CREATE SCHEMA IF NOT EXISTS` at every
-- start, and PostgreSQL checks the database's CREATE privilege before it looks whether the schema exists.
SELECT format('GRANT CONNECT, TEMPORARY, CREATE ON DATABASE %I TO %I', :'db', :'role') \gexec
SQL
    echo "init.sh: role careloop_$schema owns schema $schema in database $DATABASE"
done
