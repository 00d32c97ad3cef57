#!/usr/bin/env bash
# Service latency with both cores busy running large grids versus idle:
# GET /runs/{id} and POST /backtests (EXISTS) with wrk, and new-run POSTs one by one (p50/p99).
#   Tests/Bench/bench-service.sh path/to/backtestd [seconds]
set -euo pipefail
binary=${1:-.build/release/backtestd}
seconds=${2:-8}
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d)
port=$(( 30000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
BACKTESTD_ACCESS_LOG=false BACKTESTD_SAMPLES_DIR="$here/../../configs/samples" \
  "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$data" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

python3 - "$data/walk.csv" <<'PY'
import math, random, sys
random.seed(1)
price = 100.0
with open(sys.argv[1], "w") as f:
    f.write("timestamp,open,high,low,close,volume\n")
    for t in range(100_000):
        previous = price
        price *= math.exp(random.gauss(0, 0.01))
        f.write(f"{1500000000000 + t * 3600000},{previous},{max(previous, price) * 1.001},{min(previous, price) * 0.999},{price},1000\n")
PY
curl -fsS -H 'Content-Type: text/csv' --data-binary @"$data/walk.csv" "$base/datasets?symbol=WALK&timeframe=1h" >/dev/null
run=$(curl -fsS -H 'Content-Type: application/json' -d '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}}}' "$base/backtests" | json '["run_id"]')
sleep 1

measure() { # label
  local get post
  get=$(wrk -t1 -c64 -d"${seconds}s" --latency "$base/runs/$run")
  post=$(wrk -t1 -c16 -d"${seconds}s" --latency -s "$here/post-exists.lua" "$base/backtests")
  local unique
  unique=$(python3 - "$port" "$1" <<'PY'
import http.client, json, sys, time
port, label = int(sys.argv[1]), sys.argv[2]
latencies = []
for i in range(200):
    body = json.dumps({"symbol": "GOOG", "timeframe": "1d", "seed": 1000 + i + (0 if label == "idle" else 100000),
                       "strategy": {"name": "dual_sma", "params": {"fast": 10, "slow": 50}}})
    c = http.client.HTTPConnection("127.0.0.1", port)
    start = time.perf_counter()
    c.request("POST", "/backtests", body, {"Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    latencies.append((time.perf_counter() - start) * 1000)
    c.close()
latencies.sort()
print(f"p50={latencies[99]:.2f}ms p99={latencies[197]:.2f}ms")
PY
)
  printf '%s\tGET /runs/{id}: %s req/s p99 %s\tPOST EXISTS: %s req/s p99 %s\tPOST new: %s\n' "$1" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$get")" "$(awk '$1=="99%" {print $2}' <<<"$get")" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$post")" "$(awk '$1=="99%" {print $2}' <<<"$post")" "$unique"
}

measure idle
for fee in 1 2 3 4 5 6; do
  curl -fsS -H 'Content-Type: application/json' -d "{\"symbol\":\"WALK\",\"timeframe\":\"1h\",\"strategy\":{\"name\":\"dual_sma\"},\"execution\":{\"fee_bps\":$fee},\"grid\":{\"fast\":{\"range\":{\"start\":2,\"stop\":100,\"step\":1}},\"slow\":{\"range\":{\"start\":101,\"stop\":300,\"step\":1}}}}" "$base/backtests" >/dev/null
done
sleep 1
echo "running: $(curl -fsS "$base/runs?status=RUNNING" | json '["total"]') runs; load: $(cut -d' ' -f1 /proc/loadavg)"
measure busy
echo "still running: $(curl -fsS "$base/runs?status=RUNNING" | json '["total"]') runs"
