#!/usr/bin/env python3
"""Follows runs over `GET /runs/{id}/ws` with the `websockets` client and checks them against SSE.

    ws_follow.py BASE_URL        (e.g. http://127.0.0.1:8080; needs `pip install websockets`)

1. A small grid: the WebSocket frames {"id","event","data"} of the whole run equal the
   (id, event, data) of the non-follow SSE log `GET /runs/{id}/events`, in order, and the server
   closes with 1000 after the terminal event; `?after=N` gives exactly the tail after N.
2. A big grid: text that is not JSON and an unknown action each get an `error` frame while the
   connection stays open; `{"action":"cancel"}` ends the run with `cancelled` and a 1000 close,
   and those frames too equal the SSE log.
Prints `ok ...` / `FAIL ...` lines and a closing count; exits 1 on any failure.
"""

import json
import sys
import urllib.error
import urllib.request
import uuid

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

TERMINAL = ("completed", "failed", "cancelled")
RECV_TIMEOUT = 60  # seconds for any one frame; progress comes several times a second
SMALL_GRID = {
    "symbol": "GOOG",
    "timeframe": "1d",
    "strategy": {"name": "dual_sma"},
    "grid": {"fast": {"range": {"start": 5, "stop": 50, "step": 5}}, "slow": {"values": [20, 50, 100, 200]}},
    "execution": {"fee_bps": 10},
}
# 800,000 variants over 5,000 hourly bars (4·10⁹ bar-variants): runs for many seconds, with
# progress events all along, so a cancel sent right after connecting finds it unfinished.
BIG_GRID = {
    "symbol": "EURUSD",
    "timeframe": "1h",
    "strategy": {"name": "dual_sma"},
    "grid": {
        "fast": {"range": {"start": 1, "stop": 800, "step": 1}},
        "slow": {"range": {"start": 1001, "stop": 2000, "step": 1}},
    },
}

passed = 0
failed = 0
# Loopback only: never through a proxy from the environment.
http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))
    return condition


def submit(base, body):
    # Equal inputs are answered with the existing run (200 EXISTS) whatever the Idempotency-Key, so
    # each submission gets its own seed (part of the input hash; it steers only validation).
    body = dict(body, seed=uuid.uuid4().int % 2**53)
    request = urllib.request.Request(
        f"{base}/backtests",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": f"ws-follow-{uuid.uuid4()}"},
        method="POST",
    )
    with http.open(request, timeout=30) as response:
        return response.status, json.load(response)


def sse_events(base, run):
    """The stored log as [(seq, type, envelope)] from the non-follow SSE answer."""
    with http.open(f"{base}/runs/{run}/events", timeout=30) as response:
        text = response.read().decode()
    events = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.split("\n"):
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
        if "data" in fields:
            events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


def run_status(base, run):
    with http.open(f"{base}/runs/{run}", timeout=30) as response:
        return json.load(response)["status"]


class Follower:
    """One WebSocket follower (a context manager): the events in order, the error frames, and how
    the server closed."""

    def __init__(self, url):
        self.url = url
        self.socket = None
        self.events = []  # (id, event, data)
        self.errors = []  # data of `error` frames
        self.other = []  # frames of any other shape
        self.close_code = None
        self.closed = False

    def __enter__(self):
        self.socket = connect(self.url, proxy=None, open_timeout=10, close_timeout=10).__enter__()
        return self

    def __exit__(self, *failure):
        return self.socket.__exit__(*failure)

    def receive(self):
        """One frame, sorted into events / errors; False once the server has closed."""
        try:
            text = self.socket.recv(timeout=RECV_TIMEOUT)
        except ConnectionClosed as closed:
            self.closed = True
            self.close_code = closed.rcvd.code if closed.rcvd is not None else None
            return False
        try:
            frame = json.loads(text)
        except (TypeError, ValueError):
            self.other.append(text)
            return True
        if isinstance(frame, dict) and frame.get("event") == "error" and "id" not in frame:
            self.errors.append(frame.get("data"))
        elif isinstance(frame, dict) and set(frame) == {"id", "event", "data"}:
            self.events.append((frame["id"], frame["event"], frame["data"]))
        else:
            self.other.append(frame)
        return True

    def until_closed(self):
        while self.receive():
            pass
        return self

    def until_error(self):
        """Reads until one more error frame arrives (events meanwhile are kept); False if closed first."""
        count = len(self.errors)
        while len(self.errors) == count:
            if not self.receive():
                return False
        return True


def describe_difference(ws, sse):
    for index, (a, b) in enumerate(zip(ws, sse)):
        if a != b:
            return f"first difference at #{index}: ws {a!r} vs sse {b!r}"
    return f"ws has {len(ws)} events, sse {len(sse)}"


def follow_small_run(base, ws_base):
    status, answer = submit(base, SMALL_GRID)
    if not check("POST /backtests (small grid) answers 202", status == 202, f"{status} {answer}"):
        return
    run = answer["run_id"]
    with Follower(f"{ws_base}/runs/{run}/ws") as follower:
        follower.until_closed()
    events = follower.events
    check("the server closes with 1000 after the run", follower.close_code == 1000, f"close code {follower.close_code}")
    check("only event frames arrive", not follower.errors and not follower.other, f"{follower.errors} {follower.other}")
    check(
        "the last frame is the terminal event",
        bool(events) and events[-1][1] in TERMINAL and all(e[1] not in TERMINAL for e in events[:-1]),
        f"types {[e[1] for e in events]}",
    )
    check("the run completed", bool(events) and events[-1][1] == "completed", f"last {events[-1:]}")
    sse = sse_events(base, run)
    check("the WebSocket events equal the SSE log, in order", events == sse, describe_difference(events, sse))
    check("ids count up from 0", [e[0] for e in events] == list(range(len(events))), f"{[e[0] for e in events]}")
    if len(sse) < 2:
        check("the run has events to resume in", False, f"{len(sse)} events")
        return
    middle = sse[(len(sse) - 1) // 2][0]
    with Follower(f"{ws_base}/runs/{run}/ws?after={middle}") as tail:
        tail.until_closed()
    expected = [e for e in sse if e[0] > middle]
    check(f"?after={middle} gives exactly the tail", tail.events == expected, describe_difference(tail.events, expected))
    check(f"?after={middle} closes with 1000", tail.close_code == 1000, f"close code {tail.close_code}")
    try:
        with Follower(f"{ws_base}/runs/run_nope/ws") as unknown:
            unknown.until_closed()
        check("an unknown run is refused with 404", False, "the upgrade was accepted")
    except InvalidStatus as refused:
        code = refused.response.status_code
        check("an unknown run is refused with 404", code == 404, f"status {code}")


def cancel_big_run(base, ws_base):
    status, answer = submit(base, BIG_GRID)
    if not check("POST /backtests (big grid) answers 202", status == 202, f"{status} {answer}"):
        return
    run = answer["run_id"]
    with Follower(f"{ws_base}/runs/{run}/ws") as follower:
        follower.socket.send("not json")
        got = follower.until_error()
        check("text that is not JSON gets an error frame", got, f"closed with {follower.close_code} first")
        if got:
            error = follower.errors[-1]
            check(
                "the error frame has a code and a message",
                isinstance(error, dict) and error.get("code") is not None and isinstance(error.get("message"), str),
                f"{error!r}",
            )
        follower.socket.send(json.dumps({"action": "nope"}))
        check("an unknown action gets an error frame", follower.until_error(), f"closed with {follower.close_code}")
        check("the connection stays open after the errors", not follower.closed)
        check(
            "the run is unfinished when cancel is sent",
            all(e[1] not in TERMINAL for e in follower.events),
            f"{follower.events[-1:]}",
        )
        follower.socket.send(json.dumps({"action": "cancel"}))
        follower.until_closed()
    events = follower.events
    check("cancel ends the run with a cancelled event", bool(events) and events[-1][1] == "cancelled", f"{events[-1:]}")
    check("the server closes with 1000 after cancelled", follower.close_code == 1000, f"close code {follower.close_code}")
    check("only event and error frames arrive", not follower.other, f"{follower.other[:3]}")
    check("the run is CANCELLED", run_status(base, run) == "CANCELLED", run_status(base, run))
    sse = sse_events(base, run)
    check("the cancelled run's WebSocket events equal its SSE log", events == sse, describe_difference(events, sse))


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/")
    ws_base = "ws" + base[len("http") :] if base.startswith("http") else base
    for step in (follow_small_run, cancel_big_run):
        try:
            step(base, ws_base)
        except (OSError, ValueError, KeyError, InvalidStatus, ConnectionClosed, urllib.error.URLError) as error:
            check(f"{step.__name__} runs to the end", False, f"{type(error).__name__}: {error}")
    # Not the `N passed, N failed` shape: smoke.sh, which runs this, prints the closing count.
    print(f"ws_follow: {failed} of {passed + failed} checks failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
