#!/usr/bin/env bash
# Autobahn|Testsuite fuzzingclient (cases 1-7, 9, 10) against the WebSocket echo route of a live
# server; prints the count per behavior, lists FAILED cases and exits non-zero if any case FAILED.
#   Tests/Autobahn/run-autobahn.sh [path/to/backtestd]
# wstest runs only on Python 2.7 ($PYTHON27, default the pyenv 2.7.18); its pinned set is installed
# into .build/autobahn-venv (reused while requirements.txt is unchanged). Reports go to
# .build/autobahn-reports (open index.html there for the per-case wire logs).
# AUTOBAHN_URL=ws://host:port/path tests a server that is already running instead of starting one;
# AUTOBAHN_CASES="7.* 9.1.*" runs only those cases (while iterating on one area).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/.build/release/backtestd}
python27=${PYTHON27:-/root/.pyenv/versions/2.7.18/bin/python}
venv=$root/.build/autobahn-venv
bootstrap=$root/.build/autobahn-bootstrap
reports=$root/.build/autobahn-reports
requirements=$here/requirements.txt
# Case 9 sends messages of up to 16 MiB (9.1.6, 9.2.6); the limits get slack above that.
limit=$((16 * 1024 * 1024 + 64 * 1024))
wstest_timeout=${AUTOBAHN_TIMEOUT:-1800}

# The venv: python 2.7 has no `venv` module, so virtualenv 16.7 (the last one that is a single
# module runnable on 2.7 with its pip wheels inside) is installed into a side folder first.
stamp=$venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/wstest" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  [ -x "$python27" ] || python27=$(command -v python2.7) || { echo "autobahn: no python2.7 (set PYTHON27)" >&2; exit 2; }
  echo "autobahn: installing wstest into $venv"
  rm -rf "$venv"
  if [ ! -f "$bootstrap/virtualenv.py" ]; then
    "$python27" -m pip install -q --disable-pip-version-check --no-warn-script-location \
      --target "$bootstrap" 'virtualenv==16.7.12' 2>&1 | grep -v DEPRECATION
  fi
  PYTHONPATH=$bootstrap "$python27" -m virtualenv -q "$venv" || { echo "autobahn: virtualenv failed" >&2; exit 2; }
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" 2>&1 | grep -v DEPRECATION
  [ -x "$venv/bin/wstest" ] || { echo "autobahn: wstest did not install" >&2; exit 2; }
  echo "$want" >"$stamp"
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${AUTOBAHN_URL:-}" ]; then
  url=$AUTOBAHN_URL
  agent=${AUTOBAHN_AGENT:-peer}
else
  port=$((30000 + RANDOM % 20000))
  url="ws://127.0.0.1:$port/ws-echo"
  agent=backtestd
  # The default config with the echo route on and the frame and message limits above case 9's sizes.
  python3 - "$root/configs/default.json" "$work/config.json" "$limit" <<'EOF'
import json, sys
source, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(source) as f:
    config = json.load(f)
config.update(ws_echo_path="/ws-echo", ws_max_frame_bytes=limit, ws_max_message_bytes=limit,
              access_log=False, import_samples=False)
with open(target, "w") as f:
    json.dump(config, f, indent=2)
EOF
  mkdir -p "$work/data"
  "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" --config "$work/config.json" \
    >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "autobahn: the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 2
  fi
fi

rm -rf "$reports"
mkdir -p "$reports"
# 12 and 13 are permessage-deflate, which the server declines.
python3 - "$work/spec.json" "$reports" "$agent" "$url" "${AUTOBAHN_CASES:-1.* 2.* 3.* 4.* 5.* 6.* 7.* 9.* 10.*}" <<'EOF'
import json, sys
target, outdir, agent, url, cases = sys.argv[1:]
spec = {"outdir": outdir, "servers": [{"agent": agent, "url": url}], "cases": cases.split(),
        "exclude-cases": ["12.*", "13.*"], "exclude-agent-cases": {}}
with open(target, "w") as f:
    json.dump(spec, f, indent=2)
EOF
echo "autobahn: fuzzingclient against $url (log in $reports/wstest.log)"
(cd "$work" && timeout "$wstest_timeout" "$venv/bin/wstest" -m fuzzingclient -s "$work/spec.json") \
  >"$reports/wstest.log" 2>&1
status=$?
[ "$status" = 0 ] || { echo "autobahn: wstest exited $status" >&2; tail -20 "$reports/wstest.log" >&2; }
if [ -n "$server" ] && ! kill -0 "$server" 2>/dev/null; then
  echo "autobahn: the server died during the run:" >&2
  tail -20 "$work/server.log" >&2
  server=""
  exit 1
fi

planned=$(sed -n 's/^Ok, will run \([0-9]*\) test cases.*/\1/p' "$reports/wstest.log")
python3 - "$reports/index.json" "$agent" "${planned:-0}" <<'EOF'
import json, re, sys
path, agent, planned = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    with open(path) as f:
        cases = json.load(f).get(agent, {})
except (OSError, ValueError) as error:
    print(f"autobahn: no report ({error})")
    sys.exit(1)
def order(case):  # "7.9.10" after "7.9.9"
    return [int(part) for part in re.findall(r"\d+", case)]
behaviors = ["OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "UNIMPLEMENTED"]
counts = {name: 0 for name in behaviors}
for result in cases.values():
    counts[result["behavior"]] = counts.get(result["behavior"], 0) + 1
print(f"autobahn: {len(cases)} cases: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
closes = {}
for result in cases.values():
    closes[result["behaviorClose"]] = closes.get(result["behaviorClose"], 0) + 1
print("autobahn: close behavior: " + ", ".join(f"{name} {count}" for name, count in sorted(closes.items())))
failed = sorted((case for case, result in cases.items() if result["behavior"] == "FAILED"), key=order)
for name in ("NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED"):
    ids = sorted((case for case, result in cases.items() if result["behavior"] == name), key=order)
    if ids:
        print(f"autobahn: {name}: {' '.join(ids)}")
for case in failed:
    result = cases[case]
    print(f"FAILED {case}: close {result['behaviorClose']}, remote close code {result['remoteCloseCode']}, "
          f"{result['duration']} ms ({result['reportfile']})")
odd = sorted((case for case, result in cases.items()
              if result["behavior"] != "FAILED" and result["behaviorClose"] not in ("OK", "INFORMATIONAL")), key=order)
for case in odd:
    result = cases[case]
    print(f"note {case}: {result['behavior']} but close {result['behaviorClose']}, "
          f"remote close code {result['remoteCloseCode']}")
if not cases or len(cases) < planned:
    print(f"autobahn: {len(cases)} of {planned} planned cases ran (could wstest connect?)")
    sys.exit(1)
sys.exit(1 if failed else 0)
EOF
summary=$?
[ "$summary" = 0 ] && [ "$status" = 0 ]
