#!/usr/bin/env bash
# The dashboard in headless Chromium against a live server on a free port:
#   Tests/Browser/run-browser.sh [path/to/backtestd]
# Needs `chromium` and `chromium-driver` (apt) and selenium in .build/venv (`make venv`).
set -uo pipefail
binary=${1:-.build/release/backtestd}
here=$(cd "$(dirname "$0")/../.." && pwd)
data=$(mktemp -d)
port=$(( 30000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
log="$data/server.log"
python=${BROWSER_PYTHON:-$here/.build/venv/bin/python}

"$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --config "$here/configs/default.json" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
if ! curl -fsS "$base/healthz" >/dev/null 2>&1; then
  echo "FAIL the server did not start"; cat "$log"; exit 1
fi
# Selenium must not look for a driver on the network: chromedriver comes from apt.
export SE_OFFLINE=true
"$python" "$here/Tests/Browser/dashboard_test.py" "$base" "$here/.build/screenshots"
status=$?
# Then with a key: the server reloads keys within a second of a change by another process.
if [ $status -eq 0 ]; then
  key=$("$binary" keys create --owner alice --tier free --data-dir "$data" --config "$here/configs/default.json" 2>/dev/null)
  for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/session")" = 401 ] && break; sleep 0.1
  done
  "$python" "$here/Tests/Browser/dashboard_test.py" --key "$key" "$base" "$here/.build/screenshots"
  status=$?
fi
[ $status -eq 0 ] || { echo "--- server log"; tail -20 "$log"; }
exit $status
