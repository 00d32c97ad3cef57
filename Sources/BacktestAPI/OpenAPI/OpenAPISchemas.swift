import BacktestService

/// `components` of the OpenAPI document: schemas, shared parameters and the error response.
enum OpenAPISchemas {
    /// `components` parsed, once for the document and the docs page alike.
    static let parsed: JSONValue = (try? JSONParser.parse(components)) ?? .object([])

    static let components = #"""
        {
          "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API key: bt_ + base58 of 32 random bytes. Browsers use the session cookie of POST /session instead."}},
          "parameters": {
            "RunID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}, "description": "A run id (run_…)."},
            "DatasetID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}},
            "PresetID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}},
            "Offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647, "default": 0}},
            "Owner": {"name": "owner", "in": "query", "schema": {"type": "string"}, "description": "Admin keys only: one owner's resources."},
            "From": {"name": "from", "in": "query", "schema": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "pattern": "^-?[0-9]{1,15}$"}]}, "description": "RFC 3339 or epoch milliseconds, inclusive."},
            "To": {"name": "to", "in": "query", "schema": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "pattern": "^-?[0-9]{1,15}$"}]}, "description": "RFC 3339 or epoch milliseconds, inclusive."},
            "Dataset": {"name": "dataset", "in": "query", "schema": {"type": "string"}, "description": "A run over several datasets: which one (0-based position or dataset id); the first by default."},
            "Variant": {"name": "variant", "in": "query", "schema": {"type": "string"}, "description": "A rank (1 = best) or a variant_key; rank 1 by default. On the equity of a walk-forward run, oos gives the stitched out-of-sample curve."}
          },
          "headers": {
            "Location": {"schema": {"type": "string"}, "description": "The created or existing resource."},
            "RetryAfter": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait before retrying."},
            "RateLimitPolicy": {"schema": {"type": "string"}, "description": "draft-ietf-httpapi-ratelimit-headers, e.g. \"hourly\";q=10;w=3600 (absent for unlimited callers)."},
            "RateLimit": {"schema": {"type": "string"}, "description": "e.g. \"hourly\";r=9;t=360: requests left and seconds until the full quota is back."},
            "WWWAuthenticate": {"schema": {"type": "string", "enum": ["Bearer"]}},
            "ETag": {"schema": {"type": "string"}, "description": "Strong: \"<sha256 of the body>\"."},
            "CacheControl": {"schema": {"type": "string"}, "description": "private, max-age=3600 on documents that can no longer change; no-store on the others."},
            "SetCookie": {"schema": {"type": "string"}, "description": "backtestd_session=…; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict"}
          },
          "responses": {
            "Error": {"description": "The error envelope.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": {"code": "not_found", "message": "run run_x not found", "details": [], "retryable": false}}}}},
            "Unauthorized": {"description": "A missing, malformed, unknown or revoked key.", "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "Retry": {"description": "Try again later.", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "NoContent": {"description": "Done."}
          },
          "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message", "details", "retryable"], "properties": {
              "code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "request_timeout", "conflict", "payload_too_large", "uri_too_long", "unsupported_media_type", "validation_error", "idempotency_key_reused", "upgrade_required", "not_ready", "rate_limited", "headers_too_large", "internal", "queue_full", "http_version_not_supported", "insufficient_storage"]},
              "message": {"type": "string"},
              "details": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}},
              "retryable": {"type": "boolean"}}}}},
            "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
            "Hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "NullableHash": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
            "Timestamp": {"type": "string"},
            "RunStatus": {"type": "string", "enum": ["QUEUED", "RUNNING", "DONE", "ERROR", "CANCELLED"]},
            "Axis": {"type": "object", "description": "values, or a range start..stop (inclusive) by step", "properties": {
              "values": {"type": "array", "items": {"type": "number"}, "minItems": 1},
              "range": {"type": "object", "required": ["start", "stop", "step"], "properties": {"start": {"type": "number"}, "stop": {"type": "number"}, "step": {"type": "number", "exclusiveMinimum": 0}}}}},
            "StopAxis": {"type": "object", "description": "values (null: the stop disabled for those variants), or a range start..stop (inclusive) by step", "properties": {
              "values": {"type": "array", "items": {"type": ["number", "null"]}, "minItems": 1},
              "range": {"type": "object", "required": ["start", "stop", "step"], "properties": {"start": {"type": "number"}, "stop": {"type": "number"}, "step": {"type": "number", "exclusiveMinimum": 0}}}}},
            "GridAxisName": {"type": "string", "enum": ["fast", "slow", "threshold_bp", "delay_bars", "execution.fee_bps", "execution.slippage_bps", "risk.params.fraction", "risk.stop_loss_pct", "risk.take_profit_pct"]},
            "BacktestRequest": {"type": "object", "description": "A backtest: data selection (dataset_id, or symbol + timeframe; from/to narrow either), strategy, optional grid, execution, risk, validation. Unknown members are refused.", "properties": {
              "preset_id": {"type": ["string", "null"], "description": "Saved mode: this preset's config with the other members merged in."},
              "dataset_id": {"type": ["string", "null"]}, "symbol": {"type": ["string", "null"]}, "timeframe": {"type": ["string", "null"], "enum": ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1mo"]},
              "from": {"type": ["string", "null"], "format": "date-time"}, "to": {"type": ["string", "null"], "format": "date-time"},
              "strategy": {"type": "object", "required": ["name"], "properties": {"name": {"type": ["string", "null"], "enum": ["dual_sma"]}, "params": {"type": "object", "properties": {
                "fast": {"type": ["integer", "null"], "minimum": 1}, "slow": {"type": ["integer", "null"], "minimum": 2}, "threshold_bp": {"type": ["number", "null"], "minimum": 0, "maximum": 10000},
                "delay_bars": {"type": ["integer", "null"], "minimum": 0, "maximum": 100000}, "long_only": {"type": ["boolean", "null"]}}}}},
              "grid": {"type": ["object", "null"], "description": "Axes: strategy parameters, and risk and execution fields by their paths; variant keys list strategy parameters first.", "properties": {"fast": {"$ref": "#/components/schemas/Axis"}, "slow": {"$ref": "#/components/schemas/Axis"}, "threshold_bp": {"$ref": "#/components/schemas/Axis"}, "delay_bars": {"$ref": "#/components/schemas/Axis"},
                "execution.fee_bps": {"$ref": "#/components/schemas/Axis"}, "execution.slippage_bps": {"$ref": "#/components/schemas/Axis"}, "risk.params.fraction": {"$ref": "#/components/schemas/Axis"},
                "risk.stop_loss_pct": {"$ref": "#/components/schemas/StopAxis"}, "risk.take_profit_pct": {"$ref": "#/components/schemas/StopAxis"}}},
              "heatmap": {"type": ["object", "null"], "description": "Two different grid axes: x the rows, y the columns (default: the two axes of a two-axis grid, else fast x slow); each cell the max total return over the other axes.", "required": ["x", "y"], "properties": {"x": {"$ref": "#/components/schemas/GridAxisName"}, "y": {"$ref": "#/components/schemas/GridAxisName"}}},
              "rank_by": {"type": ["string", "null"], "enum": ["total_return_pct", "sharpe_ratio", "sortino_ratio", "calmar_ratio", "profit_factor", "max_drawdown_pct", "cagr_pct"], "description": "The ranking objective (max_drawdown_pct ascending, the others descending; null values last; ties by variant_key)."},
              "min_trades": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000000, "description": "Variants with fewer closed trades rank last and are marked below_min_trades."},
              "warmup_bars": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000000000, "description": "Bars that only warm the indicators up: no signal before them is acted on and the metrics start after them; less than the selected bars."},
              "top_trades_n": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000, "description": "The top N result rows carry their trade lists (at most top_k)."},
              "execution": {"type": ["object", "null"], "properties": {"fill_price": {"type": ["string", "null"], "enum": ["close", "open_next"]}, "initial_cash": {"type": ["number", "null"], "exclusiveMinimum": 0}, "fee_bps": {"type": ["number", "null"], "minimum": 0}, "commission_per_share": {"type": ["number", "null"], "minimum": 0}, "slippage_bps": {"type": ["number", "null"], "minimum": 0}, "borrow_bps": {"type": ["number", "null"], "minimum": 0}}},
              "risk": {"type": ["object", "null"], "properties": {"name": {"type": ["string", "null"], "enum": ["fixed_fraction"]}, "params": {"type": "object", "properties": {"fraction": {"type": ["number", "null"]}, "max_leverage": {"type": ["number", "null"]}}}, "stop_loss_pct": {"type": ["number", "null"]}, "take_profit_pct": {"type": ["number", "null"]}}},
              "validation": {"type": ["object", "null"], "properties": {"permutation": {"type": ["object", "null"], "properties": {"n": {"type": ["integer", "null"], "minimum": 1}}}, "block_bootstrap": {"type": ["object", "null"], "properties": {"n": {"type": ["integer", "null"], "minimum": 1}, "block_size": {"type": ["integer", "null"], "minimum": 1}}}}},
              "year_days": {"type": ["number", "null"]}, "top_k": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000}, "seed": {"type": ["integer", "null"], "minimum": 0, "maximum": 9007199254740991},
              "walk_forward": {"$ref": "#/components/schemas/WalkForwardRequest"},
              "datasets": {"type": ["array", "null"], "minItems": 1, "items": {"type": "string"}, "description": "Instead of one data selection: these datasets, each running every variant (at most max_datasets_per_run)."},
              "symbols": {"type": ["array", "null"], "minItems": 1, "items": {"type": "object", "required": ["symbol", "timeframe"], "properties": {"symbol": {"type": "string"}, "timeframe": {"type": "string", "enum": ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1mo"]}, "from": {"type": ["string", "null"], "format": "date-time"}, "to": {"type": ["string", "null"], "format": "date-time"}}}, "description": "Like datasets, by symbol and timeframe (the newest dataset of each), each with its own window."}}},
            "WalkForwardRequest": {"type": ["object", "null"], "description": "Walk-forward analysis: per window rank the grid on train_bars bars by objective (default rank_by, with min_trades), run the best on the next test_bars bars; windows advance by step_bars (default test_bars, at least test_bars); anchored trains from the first bar. The windows must fit the selected bars (422 otherwise), at most 1000 windows.", "required": ["train_bars", "test_bars"], "properties": {
              "train_bars": {"type": "integer", "minimum": 2, "maximum": 100000000}, "test_bars": {"type": "integer", "minimum": 1, "maximum": 100000000},
              "step_bars": {"type": ["integer", "null"], "minimum": 1, "maximum": 100000000}, "anchored": {"type": ["boolean", "null"]},
              "objective": {"type": ["string", "null"], "enum": ["total_return_pct", "sharpe_ratio", "sortino_ratio", "calmar_ratio", "profit_factor", "max_drawdown_pct", "cagr_pct", null]}}},
            "BarBounds": {"type": "object", "required": ["first_bar", "last_bar", "bars", "start", "end"], "properties": {"first_bar": {"type": "integer"}, "last_bar": {"type": "integer"}, "bars": {"type": "integer"}, "start": {"type": "string"}, "end": {"type": "string"}}},
            "WalkForward": {"type": ["object", "null"], "required": ["train_bars", "test_bars", "step_bars", "anchored", "objective", "overall", "windows"], "properties": {
              "train_bars": {"type": "integer"}, "test_bars": {"type": "integer"}, "step_bars": {"type": "integer"}, "anchored": {"type": "boolean"}, "objective": {"type": "string"}, "min_trades": {"type": "integer"},
              "overall": {"type": "object", "required": ["windows", "bars", "parameter_changes", "efficiency", "out_of_sample"], "properties": {"windows": {"type": "integer"}, "bars": {"type": "integer"}, "variants_per_window": {"type": "integer"}, "parameter_changes": {"type": "integer"}, "in_sample_annualized_return_pct": {"type": ["number", "null"]}, "out_of_sample_annualized_return_pct": {"type": ["number", "null"]}, "efficiency": {"type": ["number", "null"]}, "out_of_sample": {"$ref": "#/components/schemas/Metrics"}}},
              "windows": {"type": "array", "items": {"type": "object", "required": ["index", "train", "test", "warmup_bars", "variant_key", "params", "in_sample", "out_of_sample"], "properties": {"index": {"type": "integer"}, "train": {"$ref": "#/components/schemas/BarBounds"}, "test": {"$ref": "#/components/schemas/BarBounds"}, "warmup_bars": {"type": "integer"}, "variant_key": {"type": "string"}, "params": {"$ref": "#/components/schemas/Params"}, "in_sample": {"$ref": "#/components/schemas/Metrics"}, "out_of_sample": {"$ref": "#/components/schemas/Metrics"}}}}}},
            "Submitted": {"type": "object", "required": ["run_id", "status", "input_hash", "spec_hash", "grid_request_hash", "engine_params_hash"], "properties": {
              "run_id": {"type": "string"}, "status": {"type": "string", "enum": ["QUEUED", "EXISTS"]}, "run_status": {"$ref": "#/components/schemas/RunStatus"},
              "input_hash": {"$ref": "#/components/schemas/Hash"}, "variants": {"type": "integer"}, "spec_hash": {"$ref": "#/components/schemas/NullableHash"},
              "grid_request_hash": {"$ref": "#/components/schemas/Hash"}, "engine_params_hash": {"$ref": "#/components/schemas/Hash"}}},
            "Progress": {"type": "object", "required": ["done", "total", "pct"], "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}, "pct": {"type": "number"}}},
            "RunSummary": {"type": "object", "required": ["run_id", "status", "input_hash", "variants", "created_at", "progress"], "properties": {
              "run_id": {"type": "string"}, "status": {"$ref": "#/components/schemas/RunStatus"}, "input_hash": {"$ref": "#/components/schemas/Hash"},
              "idempotency_key": {"type": ["string", "null"]}, "variants": {"type": "integer"}, "created_at": {"type": "string"},
              "started_at": {"type": ["string", "null"]}, "finished_at": {"type": ["string", "null"]}, "progress": {"$ref": "#/components/schemas/Progress"}}},
            "Metrics": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
            "Params": {"type": "object", "description": "Strategy parameters, and the value of each risk or execution axis of the grid under its path.", "properties": {"fast": {"type": "integer"}, "slow": {"type": "integer"}, "threshold_bp": {"type": "number"}, "delay_bars": {"type": "integer"}, "long_only": {"type": "boolean"},
              "execution.fee_bps": {"type": "number"}, "execution.slippage_bps": {"type": "number"}, "risk.params.fraction": {"type": "number"}, "risk.stop_loss_pct": {"type": ["number", "null"]}, "risk.take_profit_pct": {"type": ["number", "null"]}}},
            "Best": {"type": ["object", "null"], "properties": {"variant_key": {"type": "string"}, "params": {"$ref": "#/components/schemas/Params"}, "metrics": {"$ref": "#/components/schemas/Metrics"}}},
            "Run": {"allOf": [{"$ref": "#/components/schemas/RunSummary"}, {"type": "object", "required": ["dataset_id", "engine_version", "request", "spec_hash", "grid_request_hash", "engine_params_hash"], "properties": {
              "dataset_id": {"type": "string"}, "engine_version": {"type": "string"}, "request": {"type": "object"}, "best": {"$ref": "#/components/schemas/Best"},
              "error": {"type": ["object", "null"], "properties": {"message": {"type": "string"}}},
              "spec_hash": {"$ref": "#/components/schemas/NullableHash"}, "grid_request_hash": {"$ref": "#/components/schemas/Hash"}, "engine_params_hash": {"$ref": "#/components/schemas/Hash"}}}]},
            "BestBrief": {"type": ["object", "null"], "description": "The best variant of a DONE run (null otherwise).", "required": ["variant_key", "total_return_pct"], "properties": {"variant_key": {"type": "string"}, "total_return_pct": {"type": ["number", "null"]}}},
            "RunListEntry": {"allOf": [{"$ref": "#/components/schemas/RunSummary"}, {"type": "object", "required": ["best"], "properties": {"best": {"$ref": "#/components/schemas/BestBrief"}}}]},
            "RunList": {"type": "object", "required": ["runs", "total", "limit", "offset"], "properties": {"runs": {"type": "array", "items": {"$ref": "#/components/schemas/RunListEntry"}}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}},
            "ResultRow": {"type": "object", "required": ["rank", "variant_key", "params", "metrics", "spec"], "properties": {
              "rank": {"type": "integer", "minimum": 1}, "variant_key": {"type": "string"}, "params": {"$ref": "#/components/schemas/Params"}, "metrics": {"$ref": "#/components/schemas/Metrics"},
              "report": {"type": "array", "items": {"type": "object", "required": ["name", "value"], "properties": {"name": {"type": "string"}, "value": {"type": ["number", "string", "null"]}}}},
              "validation": {"type": ["object", "null"]}, "spec": {"type": "object", "description": "The single-run body of this variant."},
              "below_min_trades": {"type": "boolean", "description": "With min_trades: fewer closed trades than asked (such rows rank last)."},
              "trades": {"type": "array", "description": "The variant's trades, on the top top_trades_n rows.", "items": {"$ref": "#/components/schemas/Trade"}},
              "objective": {"type": "string", "description": "Runs over several datasets: the objective aggregated in metrics (mean, median, min)."},
              "datasets": {"type": "array", "description": "Runs over several datasets: the variant's metrics on each.", "items": {"type": "object", "required": ["index", "dataset_id", "metrics"], "properties": {"index": {"type": "integer"}, "dataset_id": {"type": "string"}, "metrics": {"$ref": "#/components/schemas/Metrics"}}}}}},
            "Results": {"type": "object", "required": ["run_id", "results", "grid"], "properties": {"run_id": {"type": "string"}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/ResultRow"}}, "grid": {"type": ["object", "null"], "description": "parameters, combinations, evaluated, skipped and the heatmap (row_param, col_param, rows, cols, metric, aggregate, values); for a run over several datasets also datasets[] (index, dataset_id, symbol, timeframe, bars, top, heatmap) and the heatmap aggregated by the mean."}, "walk_forward": {"$ref": "#/components/schemas/WalkForward"}}},
            "Trade": {"type": "object", "required": ["side", "entry_time", "entry_price", "size", "pnl"], "properties": {"side": {"type": "string", "enum": ["long", "short"]}, "entry_time": {"type": "string"}, "entry_price": {"type": "number"}, "exit_time": {"type": ["string", "null"]}, "exit_price": {"type": ["number", "null"]}, "size": {"type": "number"}, "pnl": {"type": ["number", "null"]}, "pnl_pct": {"type": ["number", "null"]}, "fees": {"type": "number"}, "borrow": {"type": "number"}, "exit_reason": {"type": ["string", "null"]}}},
            "Trades": {"type": "object", "required": ["run_id", "variant_key", "total", "limit", "offset", "trades"], "properties": {"run_id": {"type": "string"}, "variant_key": {"type": "string"}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}, "trades": {"type": "array", "items": {"$ref": "#/components/schemas/Trade"}}}},
            "Equity": {"type": "object", "required": ["run_id", "variant_key", "points", "t", "equity", "drawdown", "benchmark"], "properties": {"run_id": {"type": "string"}, "variant_key": {"type": "string"}, "points": {"type": "integer"}, "t": {"type": "array", "items": {"type": "string"}}, "equity": {"type": "array", "items": {"type": "number"}}, "drawdown": {"type": "array", "items": {"type": "number"}}, "benchmark": {"type": "array", "items": {"type": "number"}}}},
            "Cancelled": {"type": "object", "required": ["run_id", "status"], "properties": {"run_id": {"type": "string"}, "status": {"$ref": "#/components/schemas/RunStatus"}}},
            "Dataset": {"type": "object", "required": ["dataset_id", "symbol", "timeframe", "rows", "sha256"], "properties": {"dataset_id": {"type": "string"}, "symbol": {"type": "string"}, "timeframe": {"type": "string"}, "rows": {"type": "integer"}, "first": {"type": "string"}, "last": {"type": "string"}, "sha256": {"$ref": "#/components/schemas/Hash"}, "created_at": {"type": "string"}}},
            "DatasetList": {"type": "object", "required": ["datasets"], "properties": {"datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}},
            "Candles": {"type": "object", "required": ["dataset_id", "total", "limit", "candles"], "properties": {"dataset_id": {"type": "string"}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "candles": {"type": "array", "items": {"type": "object", "required": ["t", "open", "high", "low", "close", "volume"], "properties": {"t": {"type": "string"}, "open": {"type": "number"}, "high": {"type": "number"}, "low": {"type": "number"}, "close": {"type": "number"}, "volume": {"type": "number"}}}}}},
            "PresetRequest": {"type": "object", "required": ["name", "config"], "additionalProperties": false, "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]+$"}, "config": {"$ref": "#/components/schemas/BacktestRequest"}}},
            "Preset": {"type": "object", "required": ["preset_id", "name", "config", "spec_hash", "created_at"], "properties": {"preset_id": {"type": "string"}, "name": {"type": "string"}, "config": {"type": "object"}, "spec_hash": {"$ref": "#/components/schemas/Hash"}, "created_at": {"type": "string"}}},
            "PresetList": {"type": "object", "required": ["presets", "total", "limit", "offset"], "properties": {"presets": {"type": "array", "items": {"$ref": "#/components/schemas/Preset"}}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}},
            "Name": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]+$"}}},
            "Key": {"type": "object", "required": ["id", "owner", "tier", "prefix", "created_at"], "properties": {"key": {"type": "string", "description": "Only in the 201 of POST /keys."}, "id": {"type": "string"}, "owner": {"type": "string"}, "tier": {"type": "string", "enum": ["free", "pro", "admin"]}, "prefix": {"type": "string"}, "created_at": {"type": "string"}, "last_used_at": {"type": ["string", "null"]}, "revoked_at": {"type": ["string", "null"]}}},
            "KeyList": {"type": "object", "required": ["keys"], "properties": {"keys": {"type": "array", "items": {"$ref": "#/components/schemas/Key"}}}},
            "KeyRequest": {"type": "object", "required": ["owner"], "additionalProperties": false, "properties": {"owner": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}, "tier": {"type": ["string", "null"], "enum": ["free", "pro", "admin", null], "description": "free when absent"}}},
            "Session": {"type": "object", "required": ["mode", "owner", "tier", "via"], "properties": {"mode": {"type": "string", "enum": ["keys", "single_user"]}, "owner": {"type": "string"}, "tier": {"type": "string"}, "key_prefix": {"type": ["string", "null"]}, "via": {"type": "string", "enum": ["key", "session", "local"]}}},
            "SessionRequest": {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}}
          }
        }
        """#
}
