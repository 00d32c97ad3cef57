import Foundation
import HTTPServer

/// Every setting of `backtestd serve`: defaults here, then the config file, then `BACKTESTD_*`
/// environment variables, then command-line flags. Unknown keys are an error, never ignored.
public struct Settings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDir = "./var"
    /// `sqlite:` (`catalog.sqlite` in `data_dir`), `sqlite:/path`, or `postgres://…` (shared by nodes).
    public var catalogUrl = "sqlite:"
    /// PostgreSQL only: how often followers read new events by seq while this node's LISTEN
    /// connection is down (notifications wake them otherwise).
    public var eventPollMs = 100
    /// 0 means one per core.
    public var eventLoops = 0
    /// 0 means one per core.
    public var workers = 0
    public var maxRequestLineBytes = 8 * 1024
    public var maxHeaderBytes = 16 * 1024
    public var maxHeaderCount = 100
    public var maxBodyBytes = 10 * 1024 * 1024
    /// `POST /datasets` bodies, and the CSV after decompression.
    public var maxDatasetBytes = 2 * 1024 * 1024 * 1024
    /// Request-body bytes held in memory across all connections.
    public var maxBufferedBodyBytes = 256 * 1024 * 1024
    public var headerTimeoutSeconds = 10.0
    public var bodyTimeoutSeconds = 60.0
    public var idleTimeoutSeconds = 60.0
    public var maxConnections = 10_000
    public var shutdownGraceSeconds = 10.0
    public var accessLog = true
    public var queueCapacity = 1_000
    public var maxGridVariants = 1_000_000
    public var maxDatasetsPerRun = 10
    public var retentionRuns = 100
    public var importSamples = true
    /// Empty: found next to the working directory or the executable (`SamplesLocator`).
    public var samplesDir = ""
    public var maxRunAttempts = 3
    /// This node's name in run leases ("" = generated at start, unique per process).
    public var nodeId = ""
    /// How long a claimed run's lease holds, and how often its node renews it.
    public var leaseSeconds = 30.0
    public var leaseHeartbeatSeconds = 5.0
    /// Engine threads per run (0 = one per core).
    public var engineThreads = 0
    /// Split single-dataset grid runs into chunks any node may claim: `auto` (on for a
    /// PostgreSQL catalog, off for SQLite), `on` or `off`.
    public var gridChunks = "auto"
    /// Bar evaluations per grid chunk (≈1–2 s of one engine thread).
    public var gridChunkBarVariants = 1_000_000_000
    public var maxJSONElements = 500_000
    public var maxJSONStringBytes = 1 << 20
    public var maxValidationWork = 20_000_000_000
    public var durableCommits = true
    /// The WebSocket echo route for conformance tests ("" = none).
    public var wsEchoPath = ""
    public var wsMaxFrameBytes = 1 << 20
    public var wsMaxMessageBytes = 1 << 20
    public var wsPingIntervalSeconds = 30.0
    public var wsPongTimeoutSeconds = 10.0
    public var wsCloseTimeoutSeconds = 5.0
    /// `POST /backtests` per hour and QUEUED + RUNNING runs per owner, by tier (0 = unlimited).
    public var rateFreePerHour = 10
    public var ratePaidPerHour = 100
    public var rateAdminPerHour = 0
    public var maxActiveFree = 2
    public var maxActivePro = 10
    public var maxActiveAdmin = 0
    /// The tier every client address gets in single-user mode (no keys): `admin` = unlimited.
    public var singleUserTier = "admin"
    /// The server is reached over TLS (a proxy in front): session cookies get `Secure`.
    public var behindTLS = false
    /// Record Prometheus metrics and serve `GET /metrics` (false: nothing is recorded).
    public var metrics = true
    /// A second `host:port` serving only `GET /metrics`, without authentication ("" = none).
    public var metricsListen = ""

    public init() {}

    /// The keys a config file and `BACKTESTD_<KEY>` may set.
    public static let keys = [
        "host", "port", "data_dir", "catalog_url", "event_poll_ms", "event_loops", "workers", "max_request_line_bytes",
        "max_header_bytes",
        "max_header_count", "max_body_bytes", "max_dataset_bytes", "max_buffered_body_bytes", "header_timeout_s",
        "body_timeout_s",
        "idle_timeout_s", "max_connections",
        "shutdown_grace_s", "access_log", "queue_capacity", "max_grid_variants", "max_datasets_per_run",
        "retention_runs", "import_samples",
        "samples_dir", "max_run_attempts", "max_json_elements", "max_json_string_bytes", "max_validation_work",
        "durable_commits", "ws_echo_path", "ws_max_frame_bytes", "ws_max_message_bytes", "ws_ping_interval_s",
        "ws_pong_timeout_s", "ws_close_timeout_s", "rate_free_per_hour", "rate_pro_per_hour", "rate_admin_per_hour",
        "max_active_free", "max_active_pro", "max_active_admin", "single_user_tier", "behind_tls",
        "metrics", "metrics_listen", "node_id", "lease_s", "lease_heartbeat_s", "engine_threads", "grid_chunks",
        "grid_chunk_bar_variants",
    ]

    /// A setting that could not be applied.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Applies a JSON config file (an object of the keys above).
    public mutating func apply(configFile path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Invalid(message: "cannot read config file \(path)")
        }
        guard let object = try? JSONDecoder().decode([String: ConfigValue].self, from: data) else {
            throw Invalid(message: "config file \(path) must be a JSON object of numbers, strings and booleans")
        }
        for key in object.keys.sorted() {
            if let value = object[key] { try set(key, value.text, source: "config file") }
        }
    }

    /// A scalar config value, kept as the text a flag or variable would give.
    private struct ConfigValue: Decodable {
        let text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                text = flag ? "true" : "false"
            } else if let whole = try? container.decode(Int.self) {
                text = String(whole)
            } else if let number = try? container.decode(Double.self) {
                text = String(number)
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    /// Applies `BACKTESTD_<KEY>` variables; an unknown `BACKTESTD_` variable is an error.
    public mutating func apply(environment: [String: String]) throws {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("BACKTESTD_") {
            try set(String(name.dropFirst("BACKTESTD_".count)).lowercased(), value, source: "environment \(name)")
        }
    }

    /// Sets one key from text.
    public mutating func set(_ key: String, _ text: String, source: String) throws {
        func int(_ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(text), range.contains(value) else {
                throw Invalid(
                    message: "\(source): \(key) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func seconds() throws -> Double {
            guard let value = Double(text), value > 0, value.isFinite else {
                throw Invalid(message: "\(source): \(key) must be a positive number of seconds")
            }
            return value
        }
        func bool() throws -> Bool {
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw Invalid(message: "\(source): \(key) must be true or false")
            }
        }
        switch key {
        case "host": host = text
        case "port": port = try int(0...65535)
        case "data_dir": dataDir = text
        case "event_loops": eventLoops = try int(0...256)
        case "workers": workers = try int(0...256)
        case "max_request_line_bytes": maxRequestLineBytes = try int(64...1 << 20)
        case "max_header_bytes": maxHeaderBytes = try int(256...1 << 24)
        case "max_header_count": maxHeaderCount = try int(1...10_000)
        case "max_body_bytes": maxBodyBytes = try int(0...1 << 34)
        case "max_dataset_bytes": maxDatasetBytes = try int(0...1 << 40)
        // At least 1 MiB: a budget smaller than one read would pause every streamed upload for good.
        case "max_buffered_body_bytes": maxBufferedBodyBytes = try int(1 << 20...1 << 40)
        case "header_timeout_s": headerTimeoutSeconds = try seconds()
        case "body_timeout_s": bodyTimeoutSeconds = try seconds()
        case "idle_timeout_s": idleTimeoutSeconds = try seconds()
        case "max_connections": maxConnections = try int(1...1_000_000)
        case "shutdown_grace_s": shutdownGraceSeconds = try seconds()
        case "access_log": accessLog = try bool()
        case "queue_capacity": queueCapacity = try int(1...1_000_000)
        case "max_grid_variants": maxGridVariants = try int(1...100_000_000)
        case "max_datasets_per_run": maxDatasetsPerRun = try int(1...1000)
        case "retention_runs": retentionRuns = try int(1...1_000_000)
        case "import_samples": importSamples = try bool()
        case "samples_dir": samplesDir = text
        case "max_run_attempts": maxRunAttempts = try int(1...1000)
        case "node_id":
            guard text.utf8.count <= 64, text.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw Invalid(message: "\(source): node_id must be at most 64 visible ASCII characters")
            }
            nodeId = text
        case "lease_s": leaseSeconds = try seconds()
        case "lease_heartbeat_s": leaseHeartbeatSeconds = try seconds()
        case "engine_threads": engineThreads = try int(0...256)
        case "grid_chunks":
            guard ["auto", "on", "off"].contains(text) else {
                throw Invalid(message: "\(source): grid_chunks must be auto, on or off")
            }
            gridChunks = text
        case "grid_chunk_bar_variants": gridChunkBarVariants = try int(1_000...1 << 50)
        case "max_json_elements": maxJSONElements = try int(1...100_000_000)
        case "max_json_string_bytes": maxJSONStringBytes = try int(1...1 << 34)
        case "max_validation_work": maxValidationWork = try int(1...Int.max)
        case "durable_commits": durableCommits = try bool()
        case "catalog_url":
            let schemes = ["sqlite:/", "postgres://", "postgresql://"]
            guard text == "sqlite:" || schemes.contains(where: { text.hasPrefix($0) && text.count > $0.count }) else {
                throw Invalid(message: "\(source): catalog_url must be sqlite:, sqlite:/path or postgres://…")
            }
            catalogUrl = text
        case "event_poll_ms": eventPollMs = try int(10...10_000)
        case "ws_echo_path":
            guard text.isEmpty || (text.hasPrefix("/") && text.utf8.allSatisfy({ $0 > 32 && $0 < 127 })) else {
                throw Invalid(message: "\(source): ws_echo_path must be empty or a path starting with /")
            }
            wsEchoPath = text
        case "ws_max_frame_bytes": wsMaxFrameBytes = try int(125...1 << 31)
        case "ws_max_message_bytes": wsMaxMessageBytes = try int(125...1 << 31)
        case "ws_ping_interval_s": wsPingIntervalSeconds = try seconds()
        case "ws_pong_timeout_s": wsPongTimeoutSeconds = try seconds()
        case "ws_close_timeout_s": wsCloseTimeoutSeconds = try seconds()
        case "rate_free_per_hour": rateFreePerHour = try int(0...1_000_000)
        case "rate_pro_per_hour": ratePaidPerHour = try int(0...1_000_000)
        case "rate_admin_per_hour": rateAdminPerHour = try int(0...1_000_000)
        case "max_active_free": maxActiveFree = try int(0...1_000_000)
        case "max_active_pro": maxActivePro = try int(0...1_000_000)
        case "max_active_admin": maxActiveAdmin = try int(0...1_000_000)
        case "single_user_tier":
            guard ["free", "pro", "admin"].contains(text) else {
                throw Invalid(message: "\(source): single_user_tier must be free, pro or admin")
            }
            singleUserTier = text
        case "behind_tls": behindTLS = try bool()
        case "metrics": metrics = try bool()
        case "metrics_listen":
            guard text.isEmpty || Self.listenAddress(text) != nil else {
                throw Invalid(
                    message: "\(source): metrics_listen must be empty or host:port (an IP literal and a port)")
            }
            metricsListen = text
        default: throw Invalid(message: "\(source): unknown setting \(key)")
        }
    }

    /// Renewals must come more often than a lease lasts, or every lease would lapse between two.
    public func checkLeases() throws {
        guard leaseHeartbeatSeconds < leaseSeconds else {
            throw Invalid(message: "lease_heartbeat_s must be less than lease_s (a lease would lapse between renewals)")
        }
    }

    /// `127.0.0.1:9464` or `[::1]:9464` as a host and port; nil when malformed.
    static func listenAddress(_ text: String) -> (host: String, port: UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
        return (host, port)
    }

    /// The HTTP server's part.
    public var serverConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = UInt16(port)
        if eventLoops > 0 { configuration.eventLoops = eventLoops }
        configuration.limits.maxRequestLineBytes = maxRequestLineBytes
        configuration.limits.maxHeaderBytes = maxHeaderBytes
        configuration.limits.maxHeaderCount = maxHeaderCount
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.maxBufferedBodyBytes = maxBufferedBodyBytes
        configuration.headerTimeout = headerTimeoutSeconds
        configuration.bodyTimeout = bodyTimeoutSeconds
        configuration.idleTimeout = idleTimeoutSeconds
        configuration.maxConnections = maxConnections
        configuration.shutdownGracePeriod = shutdownGraceSeconds
        configuration.webSocket.limits = .init(maxFrameBytes: wsMaxFrameBytes, maxMessageBytes: wsMaxMessageBytes)
        configuration.webSocket.pingInterval = wsPingIntervalSeconds
        configuration.webSocket.pongTimeout = wsPongTimeoutSeconds
        configuration.webSocket.closeTimeout = wsCloseTimeoutSeconds
        return configuration
    }
}
