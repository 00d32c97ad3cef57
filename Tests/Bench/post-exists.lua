-- wrk: POST the same backtest again and again (the EXISTS path: validate, hash, look up).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}}}'
