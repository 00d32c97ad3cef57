"""Exactness of stop-loss grids against vectorbt 1.2.0: every variant of the GOOG_1d grid fast 2..50/2
x slow 10..300/10 x stop_loss_pct 1,2,3,5,8 (long only, no slippage) against
Portfolio.from_signals(..., sl_stop=..., open/high/low given), total return to 1e-9 relative.

    backtestd backtest --data configs/samples/GOOG_1d.csv --request REQ.json --timeframe 1d --top 4000 > ours.json
    v/bin/python Tests/Bench/compare-stops-vectorbt.py ours.json
with REQ.json = {"strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":50,"step":2}},
"slow":{"range":{"start":10,"stop":300,"step":10}},"risk.stop_loss_pct":{"values":[1,2,3,5,8]}}}
"""
import json
import sys

import numpy as np
import pandas as pd
import vectorbt as vbt

frame = pd.read_csv("configs/samples/GOOG_1d.csv", parse_dates=["timestamp"], index_col="timestamp")
pairs = [(f, s) for f in range(2, 51, 2) for s in range(10, 301, 10) if f < s]
stops = [1, 2, 3, 5, 8]
close = frame["close"]
fast = vbt.MA.run(close, window=[f for f, _ in pairs]); slow = vbt.MA.run(close, window=[s for _, s in pairs])
en = np.tile(fast.ma_crossed_above(slow).values, 5); ex = np.tile(fast.ma_crossed_below(slow).values, 5)
pf = vbt.Portfolio.from_signals(pd.DataFrame(np.broadcast_to(close.values[:, None], en.shape), index=frame.index), en, ex,
    sl_stop=np.repeat(np.array(stops) / 100, len(pairs))[None, :], open=frame["open"].values[:, None],
    high=frame["high"].values[:, None], low=frame["low"].values[:, None], freq="1D")
tr = pf.total_return().values * 100
ours = {r["variant_key"]: r["metrics"]["total_return_pct"] for r in json.load(open(sys.argv[1]))["results"]}
worst = 0; n = 0; bad = []
for k, stop in enumerate(stops):
    for j, (f, s) in enumerate(pairs):
        key = f"fast={f},slow={s},risk.stop_loss_pct={stop}"
        if key not in ours: continue
        a, b = ours[key], tr[k * len(pairs) + j]
        rel = abs(a - b) / max(abs(a), abs(b), 1e-12)
        n += 1
        if rel > 1e-9: bad.append((key, a, b))
        worst = max(worst, rel)
print("compared", n, "worst relative", worst, "over 1e-9:", len(bad), bad[:3])
sys.exit(1 if bad or n != 3475 else 0)
