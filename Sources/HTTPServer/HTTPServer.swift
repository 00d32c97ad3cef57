import Foundation
import Metrics
import Sockets

/// The HTTP/1.1 server: a listener shared by a few epoll event loops; no thread per connection.
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private let loops: [EventLoop]

    /// The bound port (useful with port 0).
    public let port: UInt16

    /// Binds and starts serving `router` at once. `accessLog` receives batches of JSON lines
    /// (one per request, newline-terminated), at most one batch per event-loop iteration.
    /// `metrics` receives `http_requests_total`, `http_request_duration_seconds` and
    /// `http_open_connections`; nil records nothing.
    public init(
        configuration: ServerConfiguration, router: Router, accessLog: (@Sendable ([UInt8]) -> Void)? = nil,
        metrics: (any MetricsFactory)? = nil
    ) throws {
        // Process-wide: socket writes use MSG_NOSIGNAL, but a write to any other closed pipe must
        // not kill a server either.
        signal(SIGPIPE, SIG_IGN)
        let listener = try Socket.listen(host: configuration.host, port: configuration.port)
        port = try Socket.localPort(listener)
        core = ServerCore(
            configuration: configuration, router: router, accessLog: accessLog, listener: listener, metrics: metrics)
        var loops: [EventLoop] = []
        for _ in 0..<max(1, configuration.eventLoops) { loops.append(try EventLoop(core: core)) }
        self.loops = loops
        for (index, loop) in loops.enumerated() { loop.start(name: "http-loop-\(index)") }
    }

    /// Connections currently open.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    /// Request-body bytes held in memory across all connections now (see `maxBufferedBodyBytes`).
    public var bufferedBodyBytes: Int { core.bodyBudget.current }

    /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish
    /// (up to the grace period), then close everything and stop the loops.
    public func shutdown() async {
        for loop in loops { loop.execute { loop.beginDraining() } }
        let deadline = Date().addingTimeInterval(core.configuration.shutdownGracePeriod)
        while openConnections > 0 && Date() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        for loop in loops { loop.execute { loop.stop() } }
        for loop in loops { await Self.wait(for: loop) }
        Socket.close(core.listener)
    }

    private static func wait(for loop: EventLoop) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                loop.waitUntilStopped()
                continuation.resume()
            }
        }
    }
}
