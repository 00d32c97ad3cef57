"""One 100k-variant grid, timed from POST to DONE, on the single node (PORT_S) and on the pair
sharing a database (submitted to PORT_A), alternating. Usage: grid_nodes.py PORT_S PORT_A REPS BARS"""
import json
import statistics
import sys
import time

from bench_http import random_walk_csv, request

port_s, port_a, reps, bars = (int(x) for x in sys.argv[1:5])

csv = random_walk_csv(bars)
for port in (port_s, port_a):
    status, body = request(port, "POST", "/datasets?symbol=WALK&timeframe=1h", csv, {"Content-Type": "text/csv"})
    assert status in (200, 201), body

def timed(port, seed):
    # 100 fast × 1000 slow windows, every pair valid: 100,000 variants.
    grid = {"symbol": "WALK", "timeframe": "1h", "seed": seed, "top_k": 10, "strategy": {"name": "dual_sma"},
            "grid": {"fast": {"range": {"start": 2, "stop": 101, "step": 1}},
                     "slow": {"range": {"start": 150, "stop": 1149, "step": 1}}}}
    began = time.perf_counter()
    status, body = request(port, "POST", "/backtests", json.dumps(grid), {"Content-Type": "application/json"})
    assert status == 202, body
    run_id = json.loads(body)["run_id"]
    while True:
        _, body = request(port, "GET", f"/runs/{run_id}")
        run = json.loads(body)
        if run["status"] in ("DONE", "ERROR", "CANCELLED"):
            break
        time.sleep(0.05)
    assert run["status"] == "DONE", run
    _, results = request(port, "GET", f"/runs/{run_id}/results")
    return time.perf_counter() - began, json.loads(results)["results"]

one, two = [], []
for rep in range(reps):
    order = [(port_s, one), (port_a, two)] if rep % 2 == 0 else [(port_a, two), (port_s, one)]
    outputs = []
    for port, times in order:
        seconds, results = timed(port, 1000 + rep)
        times.append(seconds)
        # Keys and metrics: the two databases give the dataset (and so the specs) different ids.
        outputs.append(json.dumps([(r["variant_key"], r["metrics"]) for r in results], sort_keys=True))
    assert outputs[0] == outputs[1], "1-node and 2-node results differ"
    print(f"rep {rep + 1}: 1 node {one[-1]:.2f} s, 2 nodes {two[-1]:.2f} s, ratio {one[-1] / two[-1]:.2f}x")
print(f"variants: 100000, bars: {bars}, engine_threads: 1 per node")
print(f"median: 1 node {statistics.median(one):.2f} s, 2 nodes {statistics.median(two):.2f} s, "
      f"ratio {statistics.median(one) / statistics.median(two):.2f}x")
