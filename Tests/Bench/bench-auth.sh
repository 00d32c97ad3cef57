#!/usr/bin/env bash
# What authentication costs the hot path: wrk GET /runs/{id} (a finished run) with 64 keep-alive
# connections against a server without keys and one with a bearer key, alternated in one run.
#   Tests/Bench/bench-auth.sh [path/to/backtestd] [seconds per round] [rounds]
set -euo pipefail
binary=${1:-.build/release/backtestd}
seconds=${2:-8}
rounds=${3:-3}
command -v wrk >/dev/null || { echo "wrk is missing (make deps)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

start() { # data-dir port
  BACKTESTD_ACCESS_LOG=false "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$1" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
finished_run() { # port [auth header]
  local body='{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}' run
  run=$(curl -fsS ${2:+-H "$2"} -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$1/backtests" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
  for _ in $(seq 1 100); do
    curl -fsS ${2:+-H "$2"} "http://127.0.0.1:$1/runs/$run" | grep -q '"status":"DONE"' && break
    sleep 0.1
  done
  echo "$run"
}
rps() { # url [header]
  wrk -t1 -c64 -d"${seconds}s" ${2:+-H "$2"} "$1" | awk '/Requests\/sec/ {print $2}'
}

port_open=$((30000 + RANDOM % 10000))
port_keyed=$((port_open + 1))
mkdir -p "$work/open" "$work/keyed"
key=$("$binary" keys create --owner bench --tier pro --data-dir "$work/keyed" 2>/dev/null)
start "$work/open" "$port_open"
start "$work/keyed" "$port_keyed"
auth="Authorization: Bearer $key"
run_open=$(finished_run "$port_open")
run_keyed=$(finished_run "$port_keyed" "$auth")
open=() keyed=()
for _ in $(seq 1 "$rounds"); do
  open+=("$(rps "http://127.0.0.1:$port_open/runs/$run_open")")
  keyed+=("$(rps "http://127.0.0.1:$port_keyed/runs/$run_keyed" "$auth")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
m_open=$(median "${open[@]}")
m_keyed=$(median "${keyed[@]}")
echo "GET /runs/{id}, 64 keep-alive connections, ${seconds}s x $rounds rounds, alternated"
echo "no keys:    ${open[*]} req/s (median $m_open)"
echo "bearer key: ${keyed[*]} req/s (median $m_keyed)"
awk -v a="$m_keyed" -v b="$m_open" 'BEGIN {printf "keyed / open = %.3f\n", a / b}'
