#!/usr/bin/env bash
# Cross-node event latency: two release nodes on one throwaway PostgreSQL cluster; each run is
# submitted to A, and whichever node claims it, it is followed over SSE through the OTHER. Latency = time an SSE frame is read by a follower on the non-executing node minus the
# event's `ts` (stamped just before its INSERT, so this slightly overstates commit → frame).
#   Tests/Bench/bench-cross-node-events.sh path/to/backtestd [runs]
set -euo pipefail
binary=${1:-.build/release/backtestd}
runs=${2:-12}
here=$(cd "$(dirname "$0")" && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (make deps installs it)"; exit 1; }
work=$(mktemp -d -p "${BENCH_DIR:-$PWD}")
pg_dir=$(mktemp -d)
port_a=$(( 30000 + RANDOM % 10000 ))
port_b=$(( port_a + 10001 ))
pg_port=$(( port_b + 1 ))
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$pg_dir"; fi
"${as_pg[@]}" "$pgbin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres bench
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
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$work" "$pg_dir"
}
trap cleanup EXIT
for port in $port_a $port_b; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
python3 "$here/cross_node_latency.py" "$port_a" "$port_b" "$runs" "$work/a/log" "$work/b/log"
