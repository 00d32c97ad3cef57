import Metrics

/// Per-request metrics of one event loop, recorded through swift-metrics (whatever backend the
/// factory is): `http_requests_total{method,route,status}` and `http_request_duration_seconds`
/// by route. Lives on its loop's thread only, so the handle caches need no lock: after the first
/// request of a kind, recording is a dictionary lookup on three integers and the backend's own
/// update (an atomic add for a counter).
final class RequestMetrics {
    /// Methods outside this list are labelled `other`: a client cannot mint label values.
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    private struct Key: Hashable {
        let method: Int
        let route: Int
        let status: Int
    }

    /// The two handles one kind of request records to.
    private struct Handles {
        let requests: Counter
        let duration: Metrics.Timer
    }

    private let factory: any MetricsFactory
    private let router: Router
    private var handles: [Key: Handles] = [:]
    private var timers: [Int: Metrics.Timer] = [:]
    /// Keep-alive traffic repeats itself: the last kind skips even the dictionary.
    private var last: (key: Key, handles: Handles)?

    init(factory: any MetricsFactory, router: Router) {
        self.factory = factory
        self.router = router
    }

    /// `route` is the router's index of the matched route, or -1 when none matched.
    func record(method: String, route: Int, status: Int, nanoseconds: Int64) {
        let key = Key(method: Self.methodIndex(method), route: route, status: status)
        let found: Handles
        if let last, last.key == key {
            found = last.handles
        } else {
            found = handles[key] ?? make(key)
            last = (key, found)
        }
        found.requests.increment()
        found.duration.recordNanoseconds(nanoseconds)
    }

    private static func methodIndex(_ method: String) -> Int {
        switch method {
        case "GET": 0
        case "HEAD": 1
        case "POST": 2
        case "PUT": 3
        case "DELETE": 4
        case "PATCH": 5
        case "OPTIONS": 6
        default: -1
        }
    }

    private func make(_ key: Key) -> Handles {
        let pattern = router.pattern(ofRoute: key.route)
        let timer =
            timers[key.route]
            ?? Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("route", pattern)], factory: factory)
        timers[key.route] = timer
        let counter = Counter(
            label: "http_requests_total",
            dimensions: [
                ("method", key.method >= 0 ? Self.methods[key.method] : "other"), ("route", pattern),
                ("status", String(key.status)),
            ], factory: factory)
        let made = Handles(requests: counter, duration: timer)
        handles[key] = made
        return made
    }
}
