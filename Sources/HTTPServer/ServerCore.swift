import Logging
import Metrics
import Synchronization

/// What every event loop of one server shares; immutable apart from the connection count and the body budget.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let router: Router
    let accessLog: (@Sendable ([UInt8]) -> Void)?
    let listener: Int32
    let openConnections = Atomic<Int>(0)
    let bodyBudget: BodyBudget
    let logger = Logger(label: "backtestd.http")
    /// Where request metrics go (nil: not recorded at all).
    let metrics: (any MetricsFactory)?
    /// `http_open_connections`, moved with `openConnections`.
    let connectionMeter: Meter?
    /// Some loop is out of descriptors: the episode is logged once for the whole server.
    let acceptShortage = Atomic<Bool>(false)

    init(
        configuration: ServerConfiguration, router: Router, accessLog: (@Sendable ([UInt8]) -> Void)?,
        listener: Int32, metrics: (any MetricsFactory)?
    ) {
        self.metrics = metrics
        connectionMeter = metrics.map { Meter(label: "http_open_connections", factory: $0) }
        self.configuration = configuration
        self.router = router
        self.accessLog = accessLog
        self.listener = listener
        bodyBudget = BodyBudget(limit: configuration.maxBufferedBodyBytes)
    }
}
