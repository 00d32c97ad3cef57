#!/usr/bin/env bash
# wrk against a release server: GET /healthz (or $BENCH_PATH) with 64 and 256 keep-alive
# connections and 64 with `Connection: close`; prints requests/s, p50 and p99 per case.
#   Tests/Bench/bench-http.sh path/to/backtestd [seconds]
set -euo pipefail
binary=${1:-.build/release/backtestd}
seconds=${2:-10}
path=${BENCH_PATH:-/healthz}
command -v wrk >/dev/null || { echo "wrk is missing (make deps)" >&2; exit 2; }
data=$(mktemp -d)
port=$(( 30000 + RANDOM % 20000 ))
BACKTESTD_ACCESS_LOG=false "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$data" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
printf 'case\treq/s\tp50\tp99\n'
run() { # label connections [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t1 -c"$2" -d"${seconds}s" --latency -H "$3" "http://127.0.0.1:$port$path")
  else out=$(wrk -t1 -c"$2" -d"${seconds}s" --latency "http://127.0.0.1:$port$path"); fi
  printf '%s\t%s\t%s\t%s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
run "keep-alive 64" 64
run "keep-alive 256" 256
run "close 64" 64 "Connection: close"
echo "rss_mb $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$server/status)"
