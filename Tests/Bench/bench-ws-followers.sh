#!/usr/bin/env bash
# 5,000 WebSocket followers of one run (Python `websockets` clients) against a release server:
# the server's RSS and thread count while they wait, and that all received the same event list.
#   Tests/Bench/bench-ws-followers.sh [path/to/backtestd] [python with websockets] [followers]
set -euo pipefail
binary=${1:-.build/release/backtestd}
python=${2:-.build/venv/bin/python}
followers=${3:-5000}
work=$(mktemp -d)
port=$((30000 + RANDOM % 20000))
BACKTESTD_ACCESS_LOG=false BACKTESTD_WORKERS=1 "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$work" \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ulimit -n "$(ulimit -Hn)"
"$python" "$(dirname "$0")/ws_followers.py" "http://127.0.0.1:$port" "$server" "$followers"
