#!/usr/bin/env bash
# The scale-out configuration on one machine: Postgres (Dagster instance + DuckLake catalog), the
# Dagster daemon with the queued run coordinator, and the warehouse as a DuckLake.
#
#   deploy/local/scale.sh up      # start Postgres and the daemon (`make scale-up`)
#   deploy/local/scale.sh down    # stop both (`make scale-down`); the data stays under $MARSAD_SCALE_DIR
#   deploy/local/scale.sh env     # print the environment the other commands need
#
# Everything lives under MARSAD_SCALE_DIR (default data/scale): postgres/ (throw-away cluster on
# 127.0.0.1:MARSAD_PG_PORT, default 55432), lake/ (Parquet files), dagster_home/, daemon.log.
# Then, e.g.: `. data/scale/env && .venv/bin/dagster job backfill -j marsad_day_job -w workspace.yaml --all days --noprompt`
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=$(realpath -m "${MARSAD_SCALE_DIR:-data/scale}")
PORT=${MARSAD_PG_PORT:-55432}
BIN=${MARSAD_BIN:-.venv/bin}

write_env() {
  mkdir -p "$SCALE/dagster_home" "$SCALE/lake"
  cp deploy/local/dagster.yaml "$SCALE/dagster_home/dagster.yaml"
  cat >"$SCALE/env" <<ENV
export DAGSTER_HOME='$SCALE/dagster_home'
export MARSAD_PG_HOST=127.0.0.1 MARSAD_PG_PORT=$PORT MARSAD_PG_USER=marsad MARSAD_PG_PASSWORD= MARSAD_PG_DAGSTER_DB=dagster
export MARSAD_WAREHOUSE='ducklake:postgres:dbname=lake host=127.0.0.1 port=$PORT user=marsad'
export MARSAD_LAKE_DATA_PATH='$SCALE/lake/'
export MARSAD_LANDING_DIR='${MARSAD_LANDING_DIR:-$PWD/samples}'
ENV
}

up() {
  write_env
  deploy/local/postgres.sh start "$SCALE/postgres" "$PORT"
  rm -f "$SCALE/daemon.pid.stale"
  if [ -s "$SCALE/daemon.pid" ] && kill -0 "$(cat "$SCALE/daemon.pid")" 2>/dev/null; then
    echo "daemon already running (pid $(cat "$SCALE/daemon.pid"))"; return
  fi
  # shellcheck disable=SC1091
  # A new session whose leader execs the daemon: its pid is the process group of it, its code
  # server and the runs they launch, which `down` stops together.
  (. "$SCALE/env" && setsid bash -c 'echo $$ >"$1/daemon.pid"; exec "$2/dagster-daemon" run -w workspace.yaml' \
     _ "$SCALE" "$BIN" >"$SCALE/daemon.log" 2>&1 &)
  for _ in $(seq 50); do [ -s "$SCALE/daemon.pid" ] && break; sleep 0.1; done
  echo "dagster daemon pid $(cat "$SCALE/daemon.pid") (log $SCALE/daemon.log); environment: . $SCALE/env"
}

down() {
  if [ -f "$SCALE/daemon.pid" ]; then
    pid=$(cat "$SCALE/daemon.pid")
    kill -TERM -- "-$pid" 2>/dev/null || true  # the daemon's process group: it and its code server
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f "$SCALE/daemon.pid"
  fi
  deploy/local/postgres.sh stop "$SCALE/postgres"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) write_env; cat "$SCALE/env" ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
