"""vectorbt peer of `backtestd backtest --data FILE --request <grid> --all` (Tests/Bench, docs/benchmarks.md):
the 174 dual-SMA pairs (fast 5..50/5 x slow 20..200/10, fast < slow), fill at close, long only, init cash
10000, fees 0; total return and the default Portfolio.stats() of every pair, columns in chunks of 29 (memory).
Whole process, imports included. usage: python vectorbt_peer.py FILE.csv [chunk] [--no-stats]  (pip install vectorbt)
--no-stats: total returns only (less work than backtestd does: its results carry every report row)."""
import sys, time
t0 = time.perf_counter()
import pandas as pd
import vectorbt as vbt
args = [a for a in sys.argv[1:] if a != "--no-stats"]
with_stats = "--no-stats" not in sys.argv
path = args[0]; chunk = int(args[1]) if len(args) > 1 else 29
df = pd.read_csv(path); df.index = pd.to_datetime(df["timestamp"], utc=True)
close = df["close"]
pairs = [(f, s) for f in range(5, 51, 5) for s in range(20, 201, 10) if f < s]
t1 = time.perf_counter()
returns = {}
for start in range(0, len(pairs), chunk):
    part = pairs[start:start + chunk]
    fast = vbt.MA.run(close, [p[0] for p in part], short_name="fast")
    slow = vbt.MA.run(close, [p[1] for p in part], short_name="slow")
    entries = fast.ma_crossed_above(slow)
    exits = fast.ma_crossed_below(slow)
    pf = vbt.Portfolio.from_signals(close, entries, exits, init_cash=10000, freq="1min")
    if with_stats:
        pf.stats(agg_func=None)
    for (f, s), value in zip(part, pf.total_return().values):
        returns[(f, s)] = value
t2 = time.perf_counter()
best = max(returns, key=returns.get)
print(f"vectorbt {vbt.__version__} ({'stats' if with_stats else 'no stats'}): whole {t2 - t0:.2f} s (imports+read {t1 - t0:.2f} s, grid+stats {t2 - t1:.2f} s), "
      f"{len(returns)} pairs, best fast={best[0]},slow={best[1]} total_return={returns[best]*100:.6f}%")
