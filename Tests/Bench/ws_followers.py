#!/usr/bin/env python3
"""5,000 WebSocket followers of one run against a live server: RSS and threads of the server
while they wait, then whether every follower received the identical event list.
    ws_followers.py BASE_URL SERVER_PID [FOLLOWERS]"""
import asyncio, json, random, sys, time, urllib.request

import websockets

base, pid = sys.argv[1], int(sys.argv[2])
followers = int(sys.argv[3]) if len(sys.argv) > 3 else 5000


def call(method, path, body=None, content_type="application/json"):
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={"Content-Type": content_type} if body else {})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def status(key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return line.split()[1]


# A 40,000-bar random walk keeps one worker busy while the followed run waits in the queue.
random.seed(7)
price, rows = 100.0, ["timestamp,open,high,low,close,volume"]
for t in range(40_000):
    close = price * (1 + random.gauss(0, 0.01))
    rows.append(f"{1_600_000_000_000 + t * 3_600_000},{price},{max(price, close) * 1.001},"
                f"{min(price, close) * 0.999},{close},1000")
    price = close
call("POST", "/datasets?symbol=WSBENCH&timeframe=1h", "\n".join(rows).encode(), "text/csv")
busy_grid = {"fast": {"range": {"start": 2, "stop": 80, "step": 1}}, "slow": {"range": {"start": 81, "stop": 400, "step": 1}}}
busy = call("POST", "/backtests", json.dumps({"symbol": "WSBENCH", "timeframe": "1h", "strategy": {"name": "dual_sma"},
                                              "grid": busy_grid, "seed": random.randrange(1 << 30)}).encode())["run_id"]
followed = call("POST", "/backtests", json.dumps({"symbol": "WSBENCH", "timeframe": "1h", "strategy": {"name": "dual_sma"},
                                                  "grid": {"fast": {"values": [5, 10]}, "slow": {"values": [20, 50]}},
                                                  "seed": random.randrange(1 << 30)}).encode())["run_id"]
ws_base = base.replace("http://", "ws://")


async def follow(connected):
    async with websockets.connect(f"{ws_base}/runs/{followed}/ws", max_queue=None, open_timeout=120,
                                  ping_interval=None) as socket:
        connected.append(1)
        frames = [message async for message in socket]
        return "\n".join(frames), socket.close_code


async def main():
    connected = []
    before = (status("VmRSS"), status("Threads"))
    started = time.time()
    tasks = []
    for start in range(0, followers, 500):
        tasks += [asyncio.create_task(follow(connected)) for _ in range(min(500, followers - start))]
        while len(connected) < len(tasks):
            await asyncio.sleep(0.05)
    opened = time.time() - started
    during = (status("VmRSS"), status("Threads"))
    call("POST", f"/runs/{busy}/cancel", b"")
    results = await asyncio.gather(*tasks)
    lists = {text for text, _ in results}
    codes = {code for _, code in results}
    print(f"followers: {followers} opened in {opened:.1f} s")
    print(f"server before: VmRSS {before[0]} kB, threads {before[1]}")
    print(f"server with {followers} followers: VmRSS {during[0]} kB, threads {during[1]}")
    print(f"identical lists: {len(lists) == 1} ({len(results)} received, {len(next(iter(lists)).splitlines())} events each); close codes {sorted(codes)}")
    return 0 if len(lists) == 1 and codes == {1000} else 1


sys.exit(asyncio.run(main()))
