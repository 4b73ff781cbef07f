#!/usr/bin/env bash
# The load run: gunicorn on a copy of a generated centre, the day of a centre from Locust.
#
#   benchmarks/run_load.sh /work/scale/scale_100k.env [USERS=40] [SPAWN_RATE=4] [DURATION=60s]
#
# The environment file names the generated database (DATABASE_URL) and its keys
# (CASEWORK_KEY_FILE or CASEWORK_MASTER_KEYS). The run works on a copy (CREATE DATABASE ...
# TEMPLATE; the source must have no other connections for a moment), dropped at the end, so the
# source is never written. gunicorn runs in production mode with gunicorn.conf.py (workers:
# GUNICORN_WORKERS, default 2 * cores + 1), REDIS_URL (db 8 unless given) for the sign-in counts,
# and CASEWORK_TWO_FACTOR_ROLES empty: supervisors sign in without a second factor in this run.
# Prints Locust's table and then the summary of benchmarks/locustfile.py: throughput,
# p50/p95/p99 and errors of the mix, of sign-in and of /healthz, and mix p95 / healthz p95.
set -euo pipefail

ENV_FILE=${1:?usage: run_load.sh ENV_FILE [USERS] [SPAWN_RATE] [DURATION]}
USERS=${2:-40}
SPAWN_RATE=${3:-4}
DURATION=${4:-60s}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PYTHON_BIN=${PYTHON_BIN:-$(dirname "$(command -v python)")}
PORT=${LOAD_PORT:-8765}

set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
set +a
SOURCE_URL=$DATABASE_URL
SOURCE_DB=${SOURCE_URL##*/}
SERVER_URL=${SOURCE_URL%/*}
SERVER_URL=${SERVER_URL/postgresql+psycopg:/postgresql:}
COPY_DB="bench_load_$(date +%s)"
psql_admin() { psql "$SERVER_URL/postgres" -v ON_ERROR_STOP=1 -qAtc "$1"; }

GUNICORN_PID=""
cleanup() {
    if [[ -n "$GUNICORN_PID" ]]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
    psql_admin "DROP DATABASE IF EXISTS \"$COPY_DB\" WITH (FORCE)" || true
}
trap cleanup EXIT

echo "copying $SOURCE_DB to $COPY_DB ..."
started=$(date +%s)
psql_admin "CREATE DATABASE \"$COPY_DB\" TEMPLATE \"$SOURCE_DB\""
echo "copied in $(( $(date +%s) - started )) s"

export DATABASE_URL="$SERVER_URL/$COPY_DB"
export CASEWORK_ENV=production
export SECRET_KEY=${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}
export CASEWORK_TWO_FACTOR_ROLES=""
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/8}
export CASEWORK_RATELIMIT_PREFIX="bench-load-$COPY_DB"
export GUNICORN_BIND="127.0.0.1:$PORT"
# The accounts are spread over the generated teams (`Zespół 0001 (scale)`, ...).
LOCUST_TEAMS=$(psql "$SERVER_URL/$COPY_DB" -qAtc "SELECT count(*) FROM teams WHERE name LIKE '% (scale)'")
export LOCUST_TEAMS

cd "$HERE"
"$PYTHON_BIN/gunicorn" -c gunicorn.conf.py wsgi:app >"/tmp/$COPY_DB.gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "gunicorn did not become ready"; tail -20 "/tmp/$COPY_DB.gunicorn.log"; exit 1; }
echo "gunicorn ready ($(pgrep -c -P "$GUNICORN_PID") workers), $LOCUST_TEAMS teams; $USERS users, spawn rate $SPAWN_RATE/s, $DURATION"

"$PYTHON_BIN/locust" -f benchmarks/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" \
    -t "$DURATION" --host "http://127.0.0.1:$PORT" --only-summary --stop-timeout 10 2>&1 \
    | grep -v -E '^\s*$|INFO/locust.runners|INFO/locust.main: (Run time limit|Starting|Shutting)'
echo "server errors in the gunicorn log: $(grep -c -E ' 5[0-9][0-9] ' "/tmp/$COPY_DB.gunicorn.log" || true)"
