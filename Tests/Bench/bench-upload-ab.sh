#!/usr/bin/env bash
# Builds side by side on a noisy machine: one server per binary, their POST /datasets uploads of
# the same CSV alternated round by round, pandas read_csv + to_datetime between rounds; prints
# each upload's time and the server's CPU time for it (utime + stime from /proc, which other
# processes' load moves far less than wall time), then medians and VmHWM.
#   Tests/Bench/bench-upload-ab.sh PYTHON_WITH_PANDAS FILE.csv BINARY...   (ROUNDS=5 by default)
set -euo pipefail
python=$1 csv=$2
shift 2
rounds=${ROUNDS:-5}
work=$(mktemp -d)
pids=() ports=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
i=0
for binary in "$@"; do
  port=$((30000 + RANDOM % 20000))
  mkdir -p "$work/$i"
  BACKTESTD_ACCESS_LOG=false BACKTESTD_IMPORT_SAMPLES=false \
    "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$work/$i" >/dev/null 2>&1 &
  pids+=($!) ports+=("$port")
  i=$((i + 1))
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$rounds"); do
  for i in "${!pids[@]}"; do
    before=$(ticks "${pids[$i]}")
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --data-binary @"$csv" -H 'Content-Type: text/csv' \
      "http://127.0.0.1:${ports[$i]}/datasets?symbol=AB$round&timeframe=1m")
    [ "${out%% *}" = 201 ] || { echo "upload failed: $out" >&2; exit 1; }
    echo "server$i ${out##* } s cpu $(($(ticks "${pids[$i]}") - before)) ticks"
  done
  "$python" -c "
import time, pandas as pd
t = time.perf_counter(); df = pd.read_csv('$csv'); pd.to_datetime(df['timestamp'], utc=True)
print('pandas', round(time.perf_counter() - t, 3), 's')"
done | tee "$work/log"
median() { sort -n | sed -n "$(((rounds + 1) / 2))p"; }
pandas=$(awk '$1 == "pandas" {print $2}' "$work/log" | median)
for i in "${!pids[@]}"; do
  seconds=$(awk -v s="server$i" '$1 == s {print $2}' "$work/log" | median)
  cpu=$(awk -v s="server$i" '$1 == s {print $5}' "$work/log" | median)
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/${pids[$i]}/status")
  awk -v n="$i" -v s="$seconds" -v p="$pandas" -v c="$cpu" -v h="$hwm" 'BEGIN {
    printf "server%d: median %.3f s, pandas_s/upload_s = %.2fx, server CPU %.2f s per upload, VmHWM %.0f MiB\n",
      n, s, p / s, c / 100, h / 1024 }'
done
echo "pandas median $pandas s; $(uptime)"
