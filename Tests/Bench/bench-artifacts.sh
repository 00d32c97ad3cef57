#!/usr/bin/env bash
# GET /runs/{id}/artifacts/equity.csv (EURUSD 1h: 5,000 bars, 384 KB) against two servers side by
# side: SQLite (the file under data_dir) and PostgreSQL (the catalog's artifact_files row, on a
# throwaway local cluster), requests interleaved one by one so both see the same machine noise.
# Also the 304 answer to If-None-Match (which reads the file too: the ETag is the served bytes').
#   Tests/Bench/bench-artifacts.sh path/to/backtestd [requests per server]
set -euo pipefail
binary=${1:-.build/release/backtestd}
count=${2:-300}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/two-catalog-servers.sh"
python3 - "$port_a" "$port_b" "$count" <<'PY'
import http.client, json, sys, time
port_a, port_b, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
connections = {port: http.client.HTTPConnection("127.0.0.1", port) for port in (port_a, port_b)}
def request(port, method, path, body=None, headers={}):
    connections[port].request(method, path, body, headers)
    response = connections[port].getresponse()
    return response, response.read()
runs = {}
for port in (port_a, port_b):
    body = json.dumps({"symbol": "EURUSD", "timeframe": "1h", "strategy": {"name": "dual_sma"},
                       "grid": {"fast": {"values": [5, 10, 20]}, "slow": {"values": [50, 100]}}})
    _, data = request(port, "POST", "/backtests", body, {"Content-Type": "application/json"})
    runs[port] = json.loads(data)["run_id"]
for port, run in runs.items():
    while json.loads(request(port, "GET", f"/runs/{run}")[1])["status"] != "DONE":
        time.sleep(0.1)
def measure(headers, status):
    latencies = {port_a: [], port_b: []}
    for i in range(count):
        for port in (port_a, port_b) if i % 2 == 0 else (port_b, port_a):
            start = time.perf_counter()
            response, data = request(port, "GET", f"/runs/{runs[port]}/artifacts/equity.csv", headers=headers(port))
            latencies[port].append((time.perf_counter() - start) * 1000)
            assert response.status == status, (port, response.status)
    return latencies
sizes = {port: len(request(port, "GET", f"/runs/{runs[port]}/artifacts/equity.csv")[1]) for port in runs}
tags = {port: request(port, "GET", f"/runs/{runs[port]}/artifacts/equity.csv")[0].getheader("ETag") for port in runs}
assert sizes[port_a] == sizes[port_b], sizes
def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
print(f"equity.csv: {sizes[port_a]} bytes; requests per server: {count}")
for label, latencies in (("200", measure(lambda port: {}, 200)),
                         ("304", measure(lambda port: {"If-None-Match": tags[port]}, 304))):
    a, b = latencies[port_a], latencies[port_b]
    print(f"{label} SQLite (file):      p50 {pct(a, .5):.2f} ms  p99 {pct(a, .99):.2f} ms")
    print(f"{label} PostgreSQL (row):   p50 {pct(b, .5):.2f} ms  p99 {pct(b, .99):.2f} ms")
    print(f"{label} PostgreSQL / SQLite: p50 {pct(b, .5) / pct(a, .5):.2f}x  p99 {pct(b, .99) / pct(a, .99):.2f}x")
PY
