#!/usr/bin/env bash
# End-to-end smoke test with curl against a live server: usable by our CI or a user's.
#   Tests/Smoke/smoke.sh [path/to/backtestd]
set -uo pipefail
binary=${1:-.build/release/backtestd}
here=$(cd "$(dirname "$0")/../.." && pwd)
data=$(mktemp -d)
port=$(( 30000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
passed=0 failed=0
log="$data/server.log"

check() { # name condition...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

metrics_port=$((port + 1))
BACKTESTD_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --config "$here/configs/default.json" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

check "healthz answers ok" test "$(curl -fsS "$base/healthz")" = '{"status":"ok"}'
check "readyz answers ok" test "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200
check "samples are imported" test "$(curl -fsS "$base/datasets" | json '["datasets"].__len__()')" -ge 3

body='{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":5,"stop":50,"step":5}},"slow":{"values":[20,50,100,200]}},"execution":{"fee_bps":10}}'
status=$(curl -s -o "$data/submit.json" -w '%{http_code}' -H 'Content-Type: application/json' -H 'Idempotency-Key: smoke-1' -d "$body" "$base/backtests")
check "POST /backtests answers 202" test "$status" = 202
run=$(json '["run_id"]' <"$data/submit.json")
for _ in $(seq 1 300); do
  state=$(curl -fsS "$base/runs/$run" | json '["status"]')
  [ "$state" = DONE ] || [ "$state" = ERROR ] && break
  sleep 0.1
done
check "the run reaches DONE" test "$state" = DONE
check "results are ranked" test "$(curl -fsS "$base/runs/$run/results?limit=3" | json '["results"].__len__()')" = 3
check "the heatmap is 10x4" test "$(curl -fsS "$base/runs/$run/results" | json '["grid"]["heatmap"]["values"].__len__()')" = 10
check "SSE ends with completed" grep -q '^event: completed' <(curl -fsS "$base/runs/$run/events")
check "trades are listed" test "$(curl -fsS "$base/runs/$run/trades?limit=2" | json '["trades"].__len__()')" = 2
check "equity is downsampled" test "$(curl -fsS "$base/runs/$run/equity?max_points=100" | json '["equity"].__len__()')" -le 100
status=$(curl -s -o "$data/again.json" -w '%{http_code}' -H 'Content-Type: application/json' -H 'Idempotency-Key: smoke-1' -d "$body" "$base/backtests")
check "a retry answers 200 EXISTS with the same run" test "$status:$(json '["run_id"]' <"$data/again.json")" = "200:$run"
check "malformed JSON is 400" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"x":' "$base/backtests")" = 400
check "unknown fields are 422" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"nope":1}' "$base/backtests")" = 422
check "unknown runs are 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$base/runs/run_nope")" = 404
overflow='{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":43000,"step":1}},"slow":{"range":{"start":2,"stop":43001,"step":1}},"delay_bars":{"range":{"start":0,"stop":99762,"step":1}},"threshold_bp":{"range":{"start":0,"stop":10000,"step":0.1}}}}'
check "a grid whose size overflows is 422" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$overflow" "$base/backtests")" = 422
check "the server lives on" test "$(curl -fsS "$base/healthz")" = '{"status":"ok"}'
check "bad CSV rows are 422" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/csv' --data-binary $'timestamp,open,high,low,close,volume\nx,1,2,3,4,5\n' "$base/datasets?symbol=BAD&timeframe=1d")" = 422

# Live progress over WebSocket against the SSE log, cancel and error frames over the socket; the
# client is the `websockets` package in .build/venv (`make venv`) or $SMOKE_PYTHON.
python=${SMOKE_PYTHON:-$here/.build/venv/bin/python}
ws_follow() { "$python" "$here/Tests/Smoke/ws_follow.py" "$base" 2>&1 | sed 's/^/    /'; }
check "WebSocket follow equals SSE; cancel and errors over the socket" ws_follow

# /metrics read by prometheus_client's parser (in .build/venv, `make venv`): every family, moved by the run.
metrics_check() { "$python" "$here/Tests/Smoke/metrics_check.py" "$base" "$run" 2>&1 | sed 's/^/    /'; }
check "/metrics parses (prometheus_client) with every family, moved by the run" metrics_check
etag=$(curl -fsS -D - -o /dev/null "$base/runs/$run/results" | awk -F': ' 'tolower($1) == "etag" {print $2}' | tr -d '\r')
check "a finished run's results answer 304 to If-None-Match" test "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/runs/$run/results")" = 304
check "metrics_listen serves /metrics alone" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/metrics"):$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/runs")" = "200:404"

kill -TERM $server
wait $server
check "SIGTERM exits 0" test $? = 0
trap 'rm -rf "$data"' EXIT
echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
