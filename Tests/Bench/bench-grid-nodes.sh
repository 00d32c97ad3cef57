#!/usr/bin/env bash
# One 100k-variant grid on 1 node vs the same grid on 2 nodes sharing one PostgreSQL database
# (grid chunks), each node limited to one engine thread and one worker so the 2-core machine can
# show it. Three release servers on one throwaway cluster: S alone on database `one`, A and B on
# database `two`; the runs alternate (1 node, 2 nodes, …) so both see the same machine noise.
# Chunks of 250M bar evaluations (grid_chunk_bar_variants; the default is 10⁹): 20 chunks, so
# two nodes split the grid 10/10 rather than 3/2.
#   Tests/Bench/bench-grid-nodes.sh path/to/backtestd [repetitions] [bars]
set -euo pipefail
binary=${1:-.build/release/backtestd}
reps=${2:-3}
bars=${3:-50000}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pg-cluster.sh"
pg_require
work=$(mktemp -d -p "${BENCH_DIR:-$PWD}")
port_s=$(( 30000 + RANDOM % 10000 ))
port_a=$(( port_s + 1 ))
port_b=$(( port_s + 2 ))
pg_port=$(( port_s + 3 ))
pg_cluster_start "$pg_port"
pg_createdb one
pg_createdb two
servers=()
start() { # name port database
  mkdir -p "$work/$1"
  BACKTESTD_ACCESS_LOG=false BACKTESTD_WORKERS=1 BACKTESTD_ENGINE_THREADS=1 BACKTESTD_IMPORT_SAMPLES=false \
    BACKTESTD_GRID_CHUNK_BAR_VARIANTS=${CHUNK:-250000000} \
    BACKTESTD_CATALOG_URL="postgres://postgres@127.0.0.1:$pg_port/$3" \
    "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$work/$1" >"$work/$1.log" 2>&1 &
  servers+=($!)
}
start s "$port_s" one
start a "$port_a" two
start b "$port_b" two
cleanup() {
  kill "${servers[@]}" 2>/dev/null; wait "${servers[@]}" 2>/dev/null || true
  pg_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
for port in $port_s $port_a $port_b; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
python3 "$here/grid_nodes.py" "$port_s" "$port_a" "$reps" "$bars"
