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

    private let factory: any MetricsFactory
    private let router: Router
    private var counters: [Key: Counter] = [:]
    private var timers: [Int: Metrics.Timer] = [:]

    init(factory: any MetricsFactory, router: Router) {
        self.factory = factory
        self.router = router
    }

    /// `route` is the router's index of the matched route, or -1 when none matched.
    func record(method: String, route: Int, status: Int, nanoseconds: Int64) {
        let key = Key(method: Self.methods.firstIndex(of: method) ?? -1, route: route, status: status)
        let counter: Counter
        if let cached = counters[key] {
            counter = cached
        } else {
            counter = Counter(
                label: "http_requests_total",
                dimensions: [
                    ("method", key.method >= 0 ? Self.methods[key.method] : "other"),
                    ("route", router.pattern(ofRoute: route)), ("status", String(status)),
                ], factory: factory)
            counters[key] = counter
        }
        counter.increment()
        let timer: Metrics.Timer
        if let cached = timers[route] {
            timer = cached
        } else {
            timer = Metrics.Timer(
                label: "http_request_duration_seconds", dimensions: [("route", router.pattern(ofRoute: route))],
                factory: factory)
            timers[route] = timer
        }
        timer.recordNanoseconds(nanoseconds)
    }
}
