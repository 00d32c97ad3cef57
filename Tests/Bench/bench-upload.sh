#!/usr/bin/env bash
# POST /datasets of a large CSV (curl over loopback: receive, hash, parse, durable store) against
# pandas read_csv + to_datetime on the same file, in one run; plain and gzip; peak RSS of the server.
#   Tests/Bench/bench-upload.sh [path/to/backtestd] [python with pandas] [file.csv]
# Defaults: .build/release/backtestd, .build/venv/bin/python (python3 -m venv .build/venv &&
# .build/venv/bin/pip install pandas numpy), /tmp/SYNTH_1m_1M.csv (made by gen_synth.py if absent).
set -euo pipefail
binary=${1:-.build/release/backtestd}
python=${2:-.build/venv/bin/python}
csv=${3:-/tmp/SYNTH_1m_1M.csv}
runs=3
shared=$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench
[ -f "$csv" ] || "$python" "$shared/gen_synth.py" --rows 1000000 --out "$csv"
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
gzip -c "$csv" >"$work/data.csv.gz"

# One fresh server per variant, so its VmHWM is the peak of that variant's imports alone.
# usage: measure LABEL FILE [curl args...]; prints "LABEL median_s hwm_kib baseline_kib"
measure() {
  local label=$1 file=$2
  shift 2
  local port=$((30000 + RANDOM % 20000)) data="$work/$label"
  mkdir -p "$data"
  BACKTESTD_ACCESS_LOG=false BACKTESTD_IMPORT_SAMPLES=false \
    "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$data" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local baseline times=()
  baseline=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  for i in $(seq 1 $runs); do
    # A new symbol each time: the same bytes under the same symbol would be answered from the catalog.
    local out
    out=$(curl -sS -o "$work/response.json" -w '%{http_code} %{time_total}' --data-binary @"$file" \
      -H 'Content-Type: text/csv' "$@" "http://127.0.0.1:$port/datasets?symbol=SYNTH$i&timeframe=1m")
    [ "${out%% *}" = 201 ] || { echo "$label upload $i failed: $out $(cat "$work/response.json")" >&2; exit 1; }
    times+=("${out##* }")
  done
  local hwm median
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  echo "$label $median $hwm $baseline"
}

rows=$(($(wc -l <"$csv") - 1))
mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN {printf "%.1f", b / 1e6}')
gz_mb=$(awk -v b="$(stat -c %s "$work/data.csv.gz")" 'BEGIN {printf "%.1f", b / 1e6}')
plain=$(measure plain "$csv")
gzipped=$(measure gzip "$work/data.csv.gz" -H 'Content-Encoding: gzip')
peer=$("$python" "$shared/csv_peer.py" "$csv" $runs)
pandas_s=$(echo "$peer" | awk '{print $2}')

echo "file: $csv ($rows rows, $mb MB; gzip $gz_mb MB); median of $runs runs each, release build"
echo "$peer"
for line in "$plain" "$gzipped"; do
  read -r label seconds hwm baseline <<<"$line"
  awk -v l="$label" -v s="$seconds" -v p="$pandas_s" -v h="$hwm" -v b="$baseline" -v mb="$mb" 'BEGIN {
    printf "POST /datasets (%s): %.3f s, %.0f MB/s of CSV, pandas_s/upload_s = %.2fx, server VmHWM %.0f MiB (%.0f MiB before)\n",
      l, s, mb / s, p / s, h / 1024, b / 1024 }'
done
