#!/usr/bin/env bash
# What recording metrics costs the hot path: wrk GET /healthz with 64 keep-alive connections
# against a server with `metrics` on (the default) and one with it off, alternated in one run.
#   Tests/Bench/bench-metrics.sh [path/to/backtestd] [seconds per round] [rounds]
set -euo pipefail
binary=${1:-.build/release/backtestd}
seconds=${2:-8}
rounds=${3:-5}
command -v wrk >/dev/null || { echo "wrk is missing (make deps)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

start() { # data-dir port metrics
  BACKTESTD_ACCESS_LOG=false BACKTESTD_METRICS="$3" BACKTESTD_IMPORT_SAMPLES=false \
    "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$1" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
# CPU time (user + system, clock ticks) the server process has used: unlike req/s it does not
# move with the load other processes put on the machine.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_on=0 cpu_off=0 requests_on=0 requests_off=0
bench() { # on|off
  local port pid before out
  if [ "$1" = on ]; then port=$port_on pid=$pid_on; else port=$port_off pid=$pid_off; fi
  before=$(ticks "$pid")
  out=$(wrk -t1 -c64 -d"${seconds}s" "http://127.0.0.1:$port/healthz")
  local used=$(($(ticks "$pid") - before)) count
  count=$(echo "$out" | awk '/requests in/ {print $1}')
  if [ "$1" = on ]; then
    cpu_on=$((cpu_on + used)) requests_on=$((requests_on + count))
    on+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
  else
    cpu_off=$((cpu_off + used)) requests_off=$((requests_off + count))
    off+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
  fi
}

port_on=$((30000 + RANDOM % 10000))
port_off=$((port_on + 1))
mkdir -p "$work/on" "$work/off"
start "$work/on" "$port_on" true
pid_on=${pids[-1]}
start "$work/off" "$port_off" false
pid_off=${pids[-1]}
curl -fsS "http://127.0.0.1:$port_on/metrics" | grep -q '^http_requests_total' || { echo "metrics are not on" >&2; exit 1; }
test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_off/metrics")" = 404 ||
  { echo "metrics are not off" >&2; exit 1; }
on=() off=()
for round in $(seq 1 "$rounds"); do
  # Alternate which goes first, so neither always gets the warmer machine.
  if [ $((round % 2)) -eq 1 ]; then
    bench on
    bench off
  else
    bench off
    bench on
  fi
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
m_on=$(median "${on[@]}")
m_off=$(median "${off[@]}")
counted=$(curl -fsS "http://127.0.0.1:$port_on/metrics" |
  awk '/^http_requests_total\{/ && /route="\/healthz"/ {sum += $NF} END {printf "%d", sum}')
echo "GET /healthz, 64 keep-alive connections, ${seconds}s x $rounds rounds, alternated"
echo "metrics on:  ${on[*]} req/s (median $m_on; $counted requests counted)"
echo "metrics off: ${off[*]} req/s (median $m_off)"
awk -v a="$m_on" -v b="$m_off" 'BEGIN {printf "on / off = %.3f (medians)\n", a / b}'
# Rounds are paired (run back to back): the median of the per-round ratios is less sensitive to
# load that other processes put on the machine between rounds.
ratios=()
for i in "${!on[@]}"; do ratios+=("$(awk -v a="${on[$i]}" -v b="${off[$i]}" 'BEGIN {printf "%.3f", a / b}')"); done
echo "per-round on / off: ${ratios[*]} (median $(median "${ratios[@]}"))"
hz=$(getconf CLK_TCK)
awk -v c="$cpu_on" -v n="$requests_on" -v d="$cpu_off" -v m="$requests_off" -v hz="$hz" 'BEGIN {
  on = c / hz / n * 1e6; off = d / hz / m * 1e6
  printf "server CPU per request: on %.2f us, off %.2f us; off / on = %.3f\n", on, off, off / on }'
