import Foundation

/// Every knob of the server, with the documented defaults.
public struct ServerConfiguration: Sendable {
    /// Address to bind (an IP literal).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port: UInt16 = 8080
    /// Event-loop threads (default: one per core).
    public var eventLoops: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Parser size limits.
    public var limits = HTTPParserLimits()
    /// A request's header block must arrive within this many seconds of its first byte (default 10) → 408.
    public var headerTimeout: Double = 10
    /// A whole (not streamed) request body must arrive within this many seconds of its head
    /// (default 60) → 408: its bytes are held against the body budget, so a client trickling them
    /// one at a time must not keep them forever.
    public var bodyTimeout: Double = 60
    /// A keep-alive connection with nothing to do is closed after this many seconds (default 60).
    public var idleTimeout: Double = 60
    /// Connections beyond this are accepted and closed at once (default 10,000).
    public var maxConnections: Int = 10_000
    /// How long graceful shutdown waits for in-flight requests (default 10 s).
    public var shutdownGracePeriod: Double = 10
    /// A streaming response pauses its producer once this many bytes wait to be sent (default 256 KiB).
    public var streamHighWaterBytes: Int = 256 * 1024
    /// A streamed request body pauses reading once this many bytes wait for its handler (default 1 MiB).
    public var requestStreamHighWaterBytes: Int = 1024 * 1024
    /// Request-body bytes held in memory across all connections (default 256 MiB); past it a new
    /// whole body gets 503 `queue_full` with `Retry-After` and streamed bodies pause.
    public var maxBufferedBodyBytes: Int = 256 * 1024 * 1024
    /// Requests parsed ahead of the one being answered before reading pauses (default 16).
    public var maxPipelinedRequests: Int = 16
    /// WebSocket limits and timers.
    public var webSocket = WebSocketConfiguration()
    /// The `Server` header.
    public var serverName: String = "backtestd"

    public init() {}
}
