"""Follows runs through the node that does NOT execute them and prints p50/p99 of (frame read
time - event ts). Usage: cross_node_latency.py PORT_A PORT_B RUNS LOG_A LOG_B"""
import datetime
import json
import socket
import sys
import time

from bench_http import random_walk_csv, request

port_a, port_b, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
log_a, log_b = sys.argv[4], sys.argv[5]

# A random walk of 200k hourly bars: 8,260 variants × 200k bars ≈ 16 progress events per run.
status, body = request(port_a, "POST", "/datasets?symbol=WALK&timeframe=1h", random_walk_csv(200_000),
                       {"Content-Type": "text/csv"})
assert status in (200, 201), body
latencies = []
for run in range(runs):
    grid = {"symbol": "WALK", "timeframe": "1h", "strategy": {"name": "dual_sma"},
            "grid": {"fast": {"range": {"start": 2, "stop": 60, "step": 1}},
                     "slow": {"range": {"start": 61 + run, "stop": 200 + run, "step": 1}}}}
    status, body = request(port_a, "POST", "/backtests", json.dumps(grid), {"Content-Type": "application/json"})
    assert status == 202, body
    run_id = json.loads(body)["run_id"]
    # Wait for a node to claim it; follow through the other one.
    while True:
        _, body = request(port_a, "GET", f"/runs/{run_id}")
        if json.loads(body)["status"] != "QUEUED":
            break
        time.sleep(0.01)
    # Follow through the node that did not claim it (the claimer logs "run started" with the id).
    deadline = time.time() + 5
    while True:
        executing = [port for port, log in ((port_a, log_a), (port_b, log_b)) if any("run started" in line and run_id in line for line in open(log))]
        if executing or time.time() > deadline:
            break
        time.sleep(0.01)
    assert len(executing) == 1, "cannot tell which node runs " + run_id
    follower = port_b if executing[0] == port_a else port_a
    s = socket.create_connection(("127.0.0.1", follower))
    s.sendall(f"GET /runs/{run_id}/events?follow=1 HTTP/1.1\r\nHost: b\r\n\r\n".encode())
    connected = time.time()
    for line in s.makefile("rb"):
        now = time.time()
        if line.startswith(b"data: "):
            event = json.loads(line[6:])
            ts = datetime.datetime.strptime(event["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
            # Only events written after the follower connected (older ones are a replay).
            if ts > connected:
                latencies.append(now - ts)
        if line.startswith(b"event: completed") or line.startswith(b"event: failed"):
            break
    s.close()
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else float("nan")
print(f"cross-node events measured: {len(latencies)} over {runs} runs")
print(f"commit on one node -> SSE frame read on the other: p50 {pct(latencies, 0.5):.1f} ms, "
      f"p99 {pct(latencies, 0.99):.1f} ms, max {max(latencies) * 1000:.1f} ms")
