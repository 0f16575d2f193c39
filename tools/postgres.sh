#!/usr/bin/env bash
# A throw-away PostgreSQL for the coach service tests, on 127.0.0.1 only, from Debian's packages.
#
#   tools/postgres.sh start   installs postgresql if missing, initdb into a temp dir, starts it on a free port,
#                             creates database onthaal_test and prints its DATABASE_URL (postgresql://...)
#   tools/postgres.sh url     prints the DATABASE_URL of the running instance
#   tools/postgres.sh stop    stops it and removes the directory
#
# State lives in $ONTHAAL_PG_DIR (default /tmp/onthaal-postgres). As root the server runs as the `postgres`
# user (PostgreSQL refuses to run as root); otherwise as the current user. Password auth (scram) with a
# random password, listening on 127.0.0.1 only.
set -euo pipefail

PG_DIR="${ONTHAAL_PG_DIR:-${TMPDIR:-/tmp}/onthaal-postgres}"
DB_NAME="onthaal_test"

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  if [ -z "$(find_bin)" ] || [ ! -x "$(find_bin)/initdb" ]; then
    echo "installing postgresql from Debian's packages..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if [ -f "$PG_DIR/url" ] && as_owner "$(find_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    cat "$PG_DIR/url"
    return
  fi
  ensure_installed
  local bin port password
  bin="$(find_bin)"
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  printf '%s\n' "$password" > "$PG_DIR/pwfile"
  if [ "$(id -u)" = "0" ]; then chown -R postgres "$PG_DIR"; fi
  chmod 700 "$PG_DIR"
  as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$PG_DIR/pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }
  PGPASSWORD="$password" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q \
    -c "CREATE DATABASE $DB_NAME" >/dev/null
  echo "postgresql://postgres:$password@127.0.0.1:$port/$DB_NAME" > "$PG_DIR/url"
  chmod 600 "$PG_DIR/url" "$PG_DIR/pwfile"
  cat "$PG_DIR/url"
}

stop() {
  local bin
  bin="$(find_bin)"
  if [ -d "$PG_DIR/data" ] && [ -n "$bin" ]; then
    as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

case "${1:-}" in
  start) start ;;
  url) cat "$PG_DIR/url" ;;
  stop) stop ;;
  *) echo "usage: $0 start|url|stop" >&2; exit 2 ;;
esac
