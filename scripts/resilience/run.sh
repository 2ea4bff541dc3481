#!/usr/bin/env bash
# Faults under load, on loopback only (see docs/operations.md, "Resilience checks"):
#   1. PostgreSQL restarted while 16 clients file reports through the API, retrying with their Idempotency-Key;
#   2. a db_worker killed with SIGKILL while the acknowledgement e-mails of 200 reports go out.
# Works in a scratch database resilience_<random> on the PostgreSQL server at 127.0.0.1:5432, dropped at the end.
# Needs root (or sudo) to restart PostgreSQL with pg_ctlcluster.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort | tail -1)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

name="resilience_$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(4))')"
work=$(mktemp -d -t resilience.XXXXXX)
cleanup() {
  status=$?
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$name" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- tail of $log"; tail -n 30 "$log"; }; done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

# Production settings, served over plain HTTP on loopback: SECURE_SSL_REDIRECT is off for this server only.
export DJANGO_SETTINGS_MODULE=commonbeat.settings.production
export SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export COMMONBEAT_ENCRYPTION_KEYS=r0Mt7bqfJ2oVVbXOQyFZmbLNTwQbcCzZAYLbmqgkA3c=
export COMMONBEAT_DEFAULT_AGENCY=resilience
export COMMONBEAT_VAR_DIR="$work/var"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name"
export EMAIL_BACKEND=recording_email.RecordingEmailBackend
export PYTHONPATH="$PWD/scripts/resilience${PYTHONPATH:+:$PYTHONPATH}"
export RESILIENCE_DIR="$work"
export RESILIENCE_MAIL_LOG="$work/mail.jsonl"
export LOG_LEVEL=WARNING
unset REDIS_URL

# Migrating takes most of a minute; a migrated template, named after the migrations and the installed packages,
# is kept on the server and copied (CREATE DATABASE ... TEMPLATE), and rebuilt whenever either changes.
fingerprint=$( { find src -path '*/migrations/*.py' -type f | sort | xargs cat; .venv/bin/pip freeze 2>/dev/null; } \
  | sha256sum | cut -c1-16)
template="resilience_template_$fingerprint"
psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -Atqc "$1"; }
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$template'")" != "1" ]; then
  for old in $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'resilience\_template\_%'"); do
    dropdb -h 127.0.0.1 -U postgres --if-exists --force "$old"
  done
  echo "== migrating a template database for the scratch databases ($template)"
  building="${template}_building_$$"
  createdb -h 127.0.0.1 -U postgres "$building"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$building" .venv/bin/python manage.py migrate --verbosity 0 \
    || { dropdb -h 127.0.0.1 -U postgres "$building"; exit 1; }
  psql_admin "ALTER DATABASE \"$building\" RENAME TO \"$template\""
fi
createdb -h 127.0.0.1 -U postgres -T "$template" "$name"
echo "== scratch database $name"
.venv/bin/python manage.py migrate --verbosity 0  # nothing to do unless the template is behind
.venv/bin/python manage.py shell < scripts/resilience/make_agency.py

.venv/bin/python scripts/resilience/checks.py
echo "resilience: $(( $(date +%s) - started )) s in all"
