#!/usr/bin/env bash
# The OpenAPI document against a live release server: check_openapi.py (spec validator, examples
# against schemas, real responses against schemas), then schemathesis (from PyPI, in .build/venv)
# in single-user mode and with API keys (an admin key sent on every request); exits non-zero on
# any failure.
#   Tests/Schemathesis/run-schemathesis.sh [path/to/backtestd] [python venv]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/.build/release/backtestd}
venv=${2:-$root/.build/venv}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

serve() { # data-dir port
  BACKTESTD_ACCESS_LOG=false "$binary" serve --host 127.0.0.1 --port "$2" --data-dir "$1" \
    --config "$root/configs/default.json" >"$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "schemathesis: the server did not start" >&2
  return 1
}

run() { # label base-url [header]
  echo "schemathesis ($1): $2"
  (cd "$here" && "$venv/bin/st" --config-file "$here/schemathesis.toml" run "$2/openapi.json" --mode all \
    --exclude-path-regex '/ws$' ${3:+-H "$3"} --no-color) >"$work/$1.out" 2>&1 || {
    tail -n 120 "$work/$1.out"
    echo "schemathesis ($1): FAILED"
    return 1
  }
  grep -E "Test cases:|generated|passed|failures" "$work/$1.out" | tail -n 3
}

status=0
port=$((30000 + RANDOM % 20000))
mkdir -p "$work/single"
serve "$work/single" "$port"
"$venv/bin/python" "$here/check_openapi.py" "http://127.0.0.1:$port" >"$work/check.out" 2>&1 || {
  grep -v '^ok' "$work/check.out"
  status=1
}
tail -n 1 "$work/check.out"
run single-user "http://127.0.0.1:$port" || status=1
kill "$server"; wait "$server" 2>/dev/null || true; server=""

mkdir -p "$work/keyed"
key=$("$binary" keys create --owner fuzz --tier admin --data-dir "$work/keyed" 2>/dev/null)
port=$((port + 1))
serve "$work/keyed" "$port"
run keys "http://127.0.0.1:$port" "Authorization: Bearer $key" || status=1
exit "$status"
