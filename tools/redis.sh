#!/usr/bin/env bash
# A throw-away Redis for the tests and `make cluster`, on 127.0.0.1 only, from Debian's packages.
#
#   tools/redis.sh start   installs redis-server if missing, starts one on a free port with a random password,
#                          no persistence, and prints its URL (redis://:password@127.0.0.1:port/0)
#   tools/redis.sh url     prints the URL of the running instance
#   tools/redis.sh stop    stops it and removes the directory
#
# State lives in $ONTHAAL_REDIS_DIR (default /tmp/onthaal-redis): the configuration (with the password, mode 600),
# the pid and the log. Nothing is written to disk by Redis itself (no RDB, no AOF).
set -euo pipefail

REDIS_DIR="${ONTHAAL_REDIS_DIR:-${TMPDIR:-/tmp}/onthaal-redis}"

ensure_installed() {
  if ! command -v redis-server >/dev/null; then
    echo "installing redis-server from Debian's packages..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {
  [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null
}

start() {
  if [ -f "$REDIS_DIR/url" ] && running; then
    cat "$REDIS_DIR/url"
    return
  fi
  ensure_installed
  local port password
  rm -rf "$REDIS_DIR"
  mkdir -p "$REDIS_DIR"
  chmod 700 "$REDIS_DIR"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  port="$(free_port)"
  umask 077
  cat > "$REDIS_DIR/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
requirepass $password
daemonize yes
pidfile $REDIS_DIR/redis.pid
logfile $REDIS_DIR/redis.log
dir $REDIS_DIR
save ""
appendonly no
CONF
  redis-server "$REDIS_DIR/redis.conf"
  for _ in $(seq 50); do
    if redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$password" ping 2>/dev/null | grep -q PONG; then
      echo "redis://:$password@127.0.0.1:$port/0" > "$REDIS_DIR/url"
      cat "$REDIS_DIR/url"
      return
    fi
    sleep 0.1
  done
  cat "$REDIS_DIR/redis.log" >&2
  exit 1
}

stop() {
  if running; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    for _ in $(seq 50); do running || break; sleep 0.1; done
  fi
  rm -rf "$REDIS_DIR"
}

case "${1:-}" in
  start) start ;;
  url) cat "$REDIS_DIR/url" ;;
  stop) stop ;;
  *) echo "usage: $0 start|url|stop" >&2; exit 2 ;;
esac
