# Sourced by the benchmarks that compare the two catalogs side by side: one release server on
# SQLite (port_a) and one on a throwaway PostgreSQL cluster (port_b), both with the sample
# datasets, stopped and removed on exit. Needs `binary` and `here` set.
. "$here/pg-cluster.sh"
pg_require
sqlite_dir=$(mktemp -d -p "${BENCH_DIR:-$PWD}")
port_a=$(( 30000 + RANDOM % 10000 ))
port_b=$(( port_a + 10001 ))
pg_port=$(( port_b + 1 ))
pg_cluster_start "$pg_port"
pg_createdb bench
start() { # data-dir port catalog_url
  BACKTESTD_ACCESS_LOG=false BACKTESTD_WORKERS=1 BACKTESTD_CATALOG_URL=$3 \
    BACKTESTD_SAMPLES_DIR="$here/../../configs/samples" \
    "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$1" >/dev/null 2>&1 &
}
start "$sqlite_dir" "$port_a" "sqlite:"
server_a=$!
start "$sqlite_dir/pg" "$port_b" "postgres://postgres@127.0.0.1:$pg_port/bench"
server_b=$!
cleanup() {
  kill $server_a $server_b 2>/dev/null; wait $server_a $server_b 2>/dev/null || true
  pg_cluster_stop
  rm -rf "$sqlite_dir"
}
trap cleanup EXIT
for port in $port_a $port_b; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
