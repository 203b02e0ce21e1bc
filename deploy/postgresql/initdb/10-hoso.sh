#!/usr/bin/env bash
# First start of the PostgreSQL volume only: hoso's role and database, beside Temporal's.
# (The official postgres image runs the scripts of /docker-entrypoint-initdb.d on an empty volume.)
# The role's password is read from APP_DB_PASSWORD_FILE (the Compose secret hoso_database_password,
# the same file hoso's services read), or APP_DB_PASSWORD; it is never printed.
set -euo pipefail
if [[ -n "${APP_DB_PASSWORD_FILE:-}" ]]; then
  if [[ ! -r "$APP_DB_PASSWORD_FILE" ]]; then
    echo "10-hoso.sh: $APP_DB_PASSWORD_FILE is not readable by $(id -un) (uid $(id -u))" >&2
    exit 1
  fi
  APP_DB_PASSWORD="$(<"$APP_DB_PASSWORD_FILE")"
fi
if [[ -z "${APP_DB_PASSWORD:-}" ]]; then
  echo "10-hoso.sh: no password for hoso's role: set APP_DB_PASSWORD_FILE or APP_DB_PASSWORD" >&2
  exit 1
fi
# psql takes the password from its environment (\getenv, PostgreSQL 15+), not from its command
# line, which every user of the host can read in `ps` while it runs.
export APP_DB_PASSWORD
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="$APP_DB_USER" -v app_db="$APP_DB_NAME" <<'SQL'
\getenv app_password APP_DB_PASSWORD
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL
