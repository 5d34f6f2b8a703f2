#!/usr/bin/env bash
# A throw-away Postgres for the scale-out configuration on one machine (tests, `make scale-up`).
#
#   deploy/local/postgres.sh start DATA_DIR PORT   # initdb if DATA_DIR is empty, start, create databases
#   deploy/local/postgres.sh stop DATA_DIR
#   deploy/local/postgres.sh status DATA_DIR
#
# Listens on 127.0.0.1:PORT only (and a socket inside DATA_DIR), trust authentication for the
# superuser `marsad`, databases `dagster` (the Dagster instance) and `lake` (the DuckLake catalog).
# Needs the Debian/Ubuntu `postgresql` package (or PG_BIN pointing at initdb/pg_ctl). Run as root,
# the server runs as the `postgres` user (Postgres refuses root) and DATA_DIR is given to it.
set -euo pipefail

usage() { echo "usage: $0 start DATA_DIR PORT | stop DATA_DIR | status DATA_DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1; data=$(realpath -m "$2"); port=${3:-55432}

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] || { echo "postgres.sh: no Postgres server binaries (apt-get install postgresql)" >&2; exit 3; }
  echo "$found"
}
BIN=$(pg_bin)

as_owner() {  # run a command as the server's user: ourselves, or `postgres` when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$data" && chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$data" -U marsad --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || { cat "$data.initdb.log" >&2; exit 4; }
  fi
  if ! as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$data -c max_connections=200 -c fsync=off" \
      start >/dev/null || { tail -n 20 "$data/server.log" >&2; exit 5; }
  fi
  for db in dagster lake; do
    as_owner "$BIN/psql" -h 127.0.0.1 -p "$port" -U marsad -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || as_owner "$BIN/createdb" -h 127.0.0.1 -p "$port" -U marsad "$db"
  done
  echo "postgres on 127.0.0.1:$port (data $data)"
}

stop() {
  [ -f "$data/PG_VERSION" ] || { echo "postgres.sh: $data is not a Postgres data folder" >&2; exit 0; }
  as_owner "$BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) as_owner "$BIN/pg_ctl" -D "$data" status ;;
  *) usage ;;
esac
