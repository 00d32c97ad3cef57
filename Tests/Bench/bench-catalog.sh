#!/usr/bin/env bash
# POST /backtests (a new run each time) against two servers side by side, one on the SQLite catalog
# (durable_commits on) and one on PostgreSQL (a throwaway local cluster with its default
# durability: fsync and synchronous_commit on), requests interleaved one by one so both see the
# same machine noise.
#   Tests/Bench/bench-catalog.sh path/to/backtestd [requests per server]
set -euo pipefail
binary=${1:-.build/release/backtestd}
count=${2:-500}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/two-catalog-servers.sh"
python3 - "$port_a" "$port_b" "$count" <<'PY'
import http.client, json, sys, time
port_a, port_b, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
latencies = {port_a: [], port_b: []}
connections = {port: http.client.HTTPConnection("127.0.0.1", port) for port in latencies}
for i in range(count):
    for port in (port_a, port_b) if i % 2 == 0 else (port_b, port_a):
        body = json.dumps({"symbol": "GOOG", "timeframe": "1d", "seed": 1000 + i,
                           "strategy": {"name": "dual_sma", "params": {"fast": 10, "slow": 50}}})
        start = time.perf_counter()
        connections[port].request("POST", "/backtests", body, {"Content-Type": "application/json"})
        response = connections[port].getresponse(); response.read()
        assert response.status == 202, (port, response.status)
        latencies[port].append((time.perf_counter() - start) * 1000)
def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
a, b = latencies[port_a], latencies[port_b]
print(f"requests per server: {count}")
print(f"SQLite catalog:     p50 {pct(a, .5):.2f} ms  p99 {pct(a, .99):.2f} ms")
print(f"PostgreSQL catalog: p50 {pct(b, .5):.2f} ms  p99 {pct(b, .99):.2f} ms")
print(f"p99 PostgreSQL / SQLite: {pct(b, .99) / pct(a, .99):.2f}x")
PY
