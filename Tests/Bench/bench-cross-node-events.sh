#!/usr/bin/env bash
# Cross-node event latency: two release nodes on one throwaway PostgreSQL cluster; each run is
# submitted to A, and whichever node claims it, it is followed over SSE through the OTHER. Latency = time an SSE frame is read by a follower on the non-executing node minus the
# event's `ts` (stamped just before its INSERT, so this slightly overstates commit → frame).
#   Tests/Bench/bench-cross-node-events.sh path/to/backtestd [runs]
set -euo pipefail
binary=${1:-.build/release/backtestd}
runs=${2:-12}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pg-cluster.sh"
pg_require
work=$(mktemp -d -p "${BENCH_DIR:-$PWD}")
port_a=$(( 30000 + RANDOM % 10000 ))
port_b=$(( port_a + 10001 ))
pg_port=$(( port_b + 1 ))
pg_cluster_start "$pg_port"
pg_createdb bench
url="postgres://postgres@127.0.0.1:$pg_port/bench"
start() { # data-dir port
  mkdir -p "$1"
  BACKTESTD_ACCESS_LOG=false BACKTESTD_WORKERS=1 BACKTESTD_CATALOG_URL=$url BACKTESTD_IMPORT_SAMPLES=false \
    "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$1" >"$1/log" 2>&1 &
}
start "$work/a" "$port_a"
server_a=$!
start "$work/b" "$port_b"
server_b=$!
cleanup() {
  kill $server_a $server_b 2>/dev/null; wait $server_a $server_b 2>/dev/null || true
  pg_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
for port in $port_a $port_b; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
python3 "$here/cross_node_latency.py" "$port_a" "$port_b" "$runs" "$work/a/log" "$work/b/log"
