"""Shared by the Python halves of the cross-node benchmarks: one HTTP request, and the hourly
random-walk CSV they upload (seed 7, so every run and every script sees the same bars)."""
import datetime
import http.client
import random


def request(port, method, path, body=None, headers=None):
    """One request on a fresh connection to 127.0.0.1:port: (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def random_walk_csv(bars):
    """`bars` hourly bars from 2000-01-01, a 1% Gaussian walk from 100, as CSV text."""
    rng = random.Random(7)
    price, lines = 100.0, ["timestamp,open,high,low,close,volume"]
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    for i in range(bars):
        close = max(1.0, price + price * rng.gauss(0, 0.01))
        t = (start + datetime.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{t},{price:.4f},{max(price, close) * 1.001:.4f},{min(price, close) * 0.999:.4f},{close:.4f},1000")
        price = close
    return "\n".join(lines) + "\n"
