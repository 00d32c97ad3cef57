import BacktestService
import HTTPServer

/// The OpenAPI 3.1 document of every route the server has: built from the operations of each
/// resource, in the mode the server runs in (with keys, every operation but the public ones
/// requires the bearer scheme; without, none does).
struct OpenAPIDocument: Sendable {
    let operations: [APIOperation]
    /// Rendered once per mode: the document never changes while the server runs.
    let securedBytes: [UInt8]
    let openBytes: [UInt8]

    init(webSocketEchoPath: String = "", metrics: Bool = false) {
        var operations =
            RunOperations.all + ArtifactOperations.all + DatasetOperations.all + PresetOperations.all
            + AccessOperations.all
        if metrics {
            var scrape = APIOperation(
                "GET", "/metrics", id: "metrics", tag: "operations",
                summary: "Prometheus metrics (an admin key when keys exist)"
            )
            .text(
                "200", "text/plain", "Prometheus text exposition 0.0.4.",
                example: "# TYPE backtest_queue_depth gauge\nbacktest_queue_depth 0\n"
            )
            .errors([401, 403])
            scrape.description =
                "Without keys it answers on loopback without one; with keys an admin key is required (or use the separate metrics_listen address)."
            operations.append(scrape)
        }
        if !webSocketEchoPath.isEmpty {
            var echo = APIOperation(
                "GET", webSocketEchoPath, id: "webSocketEcho", tag: "operations",
                summary: "WebSocket echo for conformance tests (ws_echo_path)"
            )
            .empty("101", "Switching Protocols: every text and binary message is echoed.").errors([400, 403, 426])
            echo.isPublic = true
            echo.isWebSocket = true
            operations.append(echo)
        }
        self.operations = operations
        securedBytes = Array(JSONWriter.compact(Self.document(operations, secured: true)).utf8)
        openBytes = Array(JSONWriter.compact(Self.document(operations, secured: false)).utf8)
    }

    static let tags: [(String, String)] = [
        ("runs", "Submit backtests and follow them."), ("results", "What a finished run found."),
        ("datasets", "OHLCV data."), ("presets", "Saved configurations."), ("access", "Keys and browser sessions."),
        ("operations", "Health, readiness and this description."),
    ]

    static func document(_ operations: [APIOperation], secured: Bool) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        for operation in operations {
            let entry = (operation.method.lowercased(), operation.document(secured: secured))
            if let index = paths.firstIndex(where: { $0.0 == operation.path }),
                case .object(let members) = paths[index].1
            {
                paths[index].1 = .object(members + [entry])
            } else {
                paths.append((operation.path, .object([entry])))
            }
        }
        let mode =
            secured
            ? "API keys are configured: every operation except the public ones needs `Authorization: Bearer <key>` (or the session cookie)."
            : "Single-user mode (no API keys configured, loopback only): no operation needs a key."
        return .object([
            ("openapi", "3.1.0"),
            (
                "info",
                .object([
                    ("title", "backtestd"), ("version", .string(InputHash.engineVersion)),
                    (
                        "description",
                        .string(
                            "A self-hosted backtest service: submit a strategy or a parameter grid over OHLCV data, follow it live, read metrics, trades, equity and a heatmap. "
                                + mode)
                    ),
                ])
            ),
            ("tags", .array(tags.map { .object([("name", .string($0.0)), ("description", .string($0.1))]) })),
            ("paths", .object(paths)),
            ("components", OpenAPISchemas.parsed),
        ])
    }
}
