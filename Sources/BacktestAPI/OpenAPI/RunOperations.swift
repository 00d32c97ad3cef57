/// `/backtests` and `/runs/...` in the OpenAPI document.
enum RunOperations {
    static let submitted =
        #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","status":"QUEUED","input_hash":"1407bac0ae44d721f44134f796d78b8bd46a16a0ff3da14426018441cf54f2da","variants":2,"spec_hash":null,"grid_request_hash":"2853e8f9f86ade35b329cfc57de246a7e9440bebe6fa6fba5794d316680b102f","engine_params_hash":"aaf8315dd1ba1d389651dcebae868a771af2fc5827065867a60368b356fd4c9c"}"#
    static let summary =
        #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","status":"DONE","input_hash":"1407bac0ae44d721f44134f796d78b8bd46a16a0ff3da14426018441cf54f2da","idempotency_key":null,"variants":2,"created_at":"2026-11-30T05:55:09.439Z","started_at":"2026-11-30T05:55:09.450Z","finished_at":"2026-11-30T05:55:09.458Z","progress":{"done":2,"total":2,"pct":100}}"#
    static let listEntry =
        String(summary.dropLast()) + #","best":{"variant_key":"fast=5,slow=50","total_return_pct":350.90761485091707}}"#
    static let metrics =
        #"{"start_value":10000,"end_value":45090.7614850917,"total_return_pct":350.90761485091707,"max_drawdown_pct":28.600735631496434,"total_trades":27,"sharpe_ratio":1.1194418542832156}"#
    static let params = #"{"fast":5,"slow":50,"threshold_bp":0,"delay_bars":0,"long_only":true}"#
    static let run =
        String(summary.dropLast())
        + #","dataset_id":"ds_447b0f5e5430f1b4abf97a0e57b93be3","engine_version":"backtestd-engine/1","spec_hash":null,"grid_request_hash":"2853e8f9f86ade35b329cfc57de246a7e9440bebe6fa6fba5794d316680b102f","engine_params_hash":"aaf8315dd1ba1d389651dcebae868a771af2fc5827065867a60368b356fd4c9c","request":{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"delay_bars":0,"long_only":true,"threshold_bp":0}},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}},"top_k":2,"seed":42},"best":{"variant_key":"fast=5,slow=50","params":\#(params),"metrics":\#(metrics)},"error":null}"#
    static let request =
        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}},"execution":{"fee_bps":10},"top_k":2}"#

    static let readErrors = [400, 401, 404]

    static var all: [APIOperation] {
        [
            APIOperation(
                "POST", "/backtests", id: "submitBacktest", tag: "runs", summary: "Submit a backtest or a grid"
            )
            .with(parameters: [
                .object([
                    ("name", "Idempotency-Key"), ("in", "header"),
                    ("schema", .object([("type", "string"), ("minLength", 1), ("maxLength", 255)])),
                ])
            ])
            .with(body: "BacktestRequest", example: request)
            .ok("202", "Submitted", example: submitted, headers: ["Location", "RateLimit-Policy", "RateLimit"])
            .ok("200", "Submitted", example: submitted, headers: ["Location", "RateLimit-Policy", "RateLimit"])
            .errors([400, 401, 403, 413, 415, 422, 429, 503, 507]),
            APIOperation("GET", "/runs", id: "listRuns", tag: "runs", summary: "Runs, newest first")
                .with(parameters: [
                    .object([
                        ("name", "status"), ("in", "query"),
                        (
                            "schema",
                            .object([
                                ("type", "string"), ("enum", ["QUEUED", "RUNNING", "DONE", "ERROR", "CANCELLED"]),
                            ])
                        ),
                    ]),
                    APIOperation.integerQuery("limit", 1...500, default: 50), APIOperation.parameter("Offset"),
                    .object([
                        ("name", "order"), ("in", "query"),
                        ("schema", .object([("type", "string"), ("enum", ["desc", "asc"]), ("default", "desc")])),
                    ]), APIOperation.parameter("Owner"),
                ])
                .ok("200", "RunList", example: #"{"runs":[\#(listEntry)],"total":1,"limit":50,"offset":0}"#)
                .errors([400, 401]),
            APIOperation(
                "GET", "/runs/{id}", id: "getRun", tag: "runs",
                summary: "A run: status, progress, request, best, hashes"
            )
            .with(parameters: [APIOperation.parameter("RunID"), APIOperation.parameter("Owner")])
            .ok("200", "Run", example: run).cacheable().errors(readErrors),
            APIOperation("DELETE", "/runs/{id}", id: "deleteRun", tag: "runs", summary: "Cancel if needed, then delete")
                .with(parameters: [APIOperation.parameter("RunID")])
                .empty("204", "Deleted.").errors([401, 403, 404]),
            APIOperation(
                "GET", "/runs/{id}/results", id: "getResults", tag: "results",
                summary: "Top-K rows and the grid summary"
            )
            .with(parameters: [
                APIOperation.parameter("RunID"), APIOperation.integerQuery("limit", 1...1000, default: 1000),
                APIOperation.parameter("Owner"),
            ])
            .ok(
                "200", "Results",
                example:
                    #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","results":[{"rank":1,"variant_key":"fast=5,slow=50","params":\#(params),"metrics":\#(metrics),"report":[{"name":"Start","value":"2004-08-19T00:00:00Z"}],"spec":{"dataset_id":"ds_447b0f5e5430f1b4abf97a0e57b93be3","strategy":{"name":"dual_sma","params":\#(params)}}}],"grid":{"combinations":2,"evaluated":2,"skipped":0}}"#
            )
            .cacheable().errors(readErrors + [409]),
            APIOperation(
                "GET", "/runs/{id}/trades", id: "getTrades", tag: "results", summary: "Trades of a ranked variant"
            )
            .with(parameters: [
                APIOperation.parameter("RunID"), APIOperation.parameter("Variant"), APIOperation.parameter("Dataset"),
                APIOperation.integerQuery("limit", 1...10_000, default: 100), APIOperation.parameter("Offset"),
                APIOperation.parameter("From"), APIOperation.parameter("To"), APIOperation.parameter("Owner"),
            ])
            .ok(
                "200", "Trades",
                example:
                    #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","variant_key":"fast=5,slow=50","total":27,"limit":1,"offset":0,"trades":[{"side":"long","entry_time":"2005-04-08T00:00:00Z","entry_price":192.05,"exit_time":"2005-08-10T00:00:00Z","exit_price":285.68,"size":52.06977349648529,"pnl":4875.292892475917,"pnl_pct":48.75292892475917,"fees":0,"borrow":0,"exit_reason":"signal"}]}"#
            )
            .cacheable().errors(readErrors + [409]),
            APIOperation(
                "GET", "/runs/{id}/equity", id: "getEquity", tag: "results",
                summary: "Equity, drawdown and buy-and-hold, downsampled"
            )
            .with(parameters: [
                APIOperation.parameter("RunID"), APIOperation.parameter("Variant"), APIOperation.parameter("Dataset"),
                APIOperation.integerQuery("max_points", 2...100_000, default: 1000), APIOperation.parameter("Owner"),
            ])
            .ok(
                "200", "Equity",
                example:
                    #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","variant_key":"fast=5,slow=50","points":2,"t":["2004-08-19T00:00:00Z","2013-03-01T00:00:00Z"],"equity":[10000,45090.7614850917],"drawdown":[0,0.08179959100202971],"benchmark":[10000,80345.82419772774]}"#
            )
            .cacheable().errors(readErrors + [409]),
            APIOperation(
                "POST", "/runs/{id}/cancel", id: "cancelRun", tag: "runs", summary: "Cancel a queued or running run"
            )
            .with(parameters: [APIOperation.parameter("RunID")])
            .ok("202", "Cancelled", example: #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","status":"CANCELLED"}"#)
            .ok("200", "Cancelled", example: #"{"run_id":"run_a84b23ad235add483589e8002c97eab6","status":"DONE"}"#)
            .errors([401, 403, 404, 507]),
            events, webSocket,
            APIOperation(
                "POST", "/runs/{id}/results/{rank}/preset", id: "saveResultAsPreset", tag: "presets",
                summary: "Save a ranked variant's spec as a preset"
            )
            .with(parameters: [
                APIOperation.parameter("RunID"),
                .object([
                    ("name", "rank"), ("in", "path"), ("required", true),
                    ("schema", .object([("type", "integer"), ("minimum", 1), ("maximum", 1000)])),
                ]),
            ])
            .with(body: "Name", example: #"{"name":"fast 5 slow 50"}"#)
            .ok("201", "Preset", example: PresetOperations.preset, headers: ["Location"])
            .ok("200", "Preset", example: PresetOperations.preset, headers: ["Location"])
            .errors([400, 401, 403, 404, 409, 413, 422, 507]),
        ]
    }

    static var events: APIOperation {
        var operation = APIOperation(
            "GET", "/runs/{id}/events", id: "runEvents", tag: "runs", summary: "The run's events as Server-Sent Events"
        )
        .with(parameters: [
            APIOperation.parameter("RunID"),
            APIOperation.integerQuery("after", -1...2_147_483_647, default: -1, "Resume after this seq."),
            .object([
                ("name", "follow"), ("in", "query"),
                ("schema", .object([("type", "string"), ("enum", ["0", "1", "true", "false", "yes", "no"])])),
                ("description", "1: stay open and push new events until the terminal one."),
            ]),
            .object([
                ("name", "Last-Event-ID"), ("in", "header"),
                ("schema", .object([("type", "string"), ("pattern", "^(-1|[0-9]{1,9})$")])),
            ]),
        ])
        .text(
            "200", "text/event-stream",
            "SSE frames `id`, `event`, `data` (the event envelope); `: ka` comments while following.",
            example:
                "id: 0\nevent: stage\ndata: {\"run_id\":\"run_a84b…\",\"seq\":0,\"ts\":\"2026-11-30T05:55:09.439Z\",\"data\":{\"status\":\"QUEUED\"}}\n\n"
        )
        .errors(readErrors)
        operation.description =
            "Event types: stage, progress, snapshot, and exactly one of completed, failed, cancelled."
        return operation
    }

    static var webSocket: APIOperation {
        var operation = APIOperation(
            "GET", "/runs/{id}/ws", id: "runEventsWebSocket", tag: "runs",
            summary: "The run's events over a WebSocket (RFC 6455)"
        )
        .with(parameters: [
            APIOperation.parameter("RunID"),
            APIOperation.integerQuery("after", -1...2_147_483_647, default: -1, "Resume after this seq."),
            .object([
                ("name", "Upgrade"), ("in", "header"), ("required", true),
                ("schema", .object([("type", "string"), ("enum", ["websocket"])])),
            ]),
            .object([
                ("name", "Sec-WebSocket-Version"), ("in", "header"), ("required", true),
                ("schema", .object([("type", "string"), ("enum", ["13"])])),
            ]),
            .object([
                ("name", "Sec-WebSocket-Key"), ("in", "header"), ("required", true),
                ("schema", .object([("type", "string")])),
            ]),
        ])
        .empty(
            "101",
            "Switching Protocols: JSON text frames {\"id\",\"event\",\"data\"} follow; close 1000 after the terminal event."
        )
        .errors([400, 401, 403, 404, 426])
        operation.isWebSocket = true
        operation.description =
            "A WebSocket, not a JSON response. Server frames: {\"id\":seq,\"event\":type,\"data\":envelope}, the same events as SSE follow mode. Client frames: {\"action\":\"cancel\"}; anything else gets {\"event\":\"error\",\"data\":{\"code\",\"message\"}}."
        return operation
    }
}
