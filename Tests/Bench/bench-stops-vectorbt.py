"""vectorbt 1.2.0's side of `backtestd bench --only stops`: the GOOG_1d grid fast 2..50/2 x slow
10..300/10 (fast < slow, 695 pairs) through Portfolio.from_signals, without stops and with
sl_stop in {1, 2, 3, 5, 8} % (3,475 columns), one timed run each after a warm-up run that
compiles numba's functions. Timed: SMA crossover signals, the portfolio, and total return,
Sharpe and max drawdown of every column (our engine computes every metric of every variant).

    python -m venv v && v/bin/pip install vectorbt==1.2.0
    v/bin/python Tests/Bench/bench-stops-vectorbt.py configs/samples/GOOG_1d.csv
"""

import sys
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

path = sys.argv[1] if len(sys.argv) > 1 else "configs/samples/GOOG_1d.csv"
frame = pd.read_csv(path, parse_dates=["timestamp"], index_col="timestamp")
pairs = [(f, s) for f in range(2, 51, 2) for s in range(10, 301, 10) if f < s]
stops = [0.01, 0.02, 0.03, 0.05, 0.08]


def run(with_stops: bool) -> int:
    close = frame["close"]
    fast = vbt.MA.run(close, window=[f for f, _ in pairs], short_name="fast")
    slow = vbt.MA.run(close, window=[s for _, s in pairs], short_name="slow")
    entries = fast.ma_crossed_above(slow).values
    exits = fast.ma_crossed_below(slow).values
    kwargs = {}
    if with_stops:
        entries = np.tile(entries, len(stops))
        exits = np.tile(exits, len(stops))
        kwargs = dict(
            sl_stop=np.repeat(stops, len(pairs))[None, :],
            open=frame["open"].values[:, None],
            high=frame["high"].values[:, None],
            low=frame["low"].values[:, None],
        )
    columns = entries.shape[1]
    closes = np.broadcast_to(close.values[:, None], entries.shape)
    portfolio = vbt.Portfolio.from_signals(
        pd.DataFrame(closes, index=frame.index), entries, exits, freq="1D", **kwargs
    )
    portfolio.total_return()
    portfolio.sharpe_ratio()
    portfolio.max_drawdown()
    return columns


for with_stops in (False, True):
    run(with_stops)  # numba compiles here
    started = time.perf_counter()
    columns = run(with_stops)
    seconds = time.perf_counter() - started
    rate = columns * len(frame) / seconds
    name = "x sl_stop 1,2,3,5,8 %" if with_stops else "without stops"
    print(f"vectorbt GOOG_1d fast x slow {name}: columns={columns} bars={len(frame)} "
          f"wall_s={seconds:.3f} bar_variants_per_s={rate:.0f}")
