import BacktestService
import Foundation
import Metrics
import Prometheus

/// The process's Prometheus registry and what is read at scrape time. Everything records through
/// swift-metrics with `factory` passed explicitly (the HTTP server, the service, the rate limit):
/// tests build one per server, and `Application.run` also bootstraps the global `MetricsSystem`
/// with it so library code that records through the global API lands in the same registry.
public final class Observability: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    /// `backtest_rate_limited_requests_total`: 429 answers to `POST /backtests`.
    let rateLimited: Metrics.Counter
    private let queueDepth: Metrics.Gauge
    private let runs: [String: Metrics.Gauge]
    private let followers: Metrics.Gauge
    private let residentBytes: Metrics.Gauge
    private let openDescriptors: Metrics.Gauge

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Runs take seconds to hours, not the milliseconds of a request.
        factory.durationHistogramBuckets["backtest_run_duration_seconds"] = [
            .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60),
            .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600),
        ]
        self.registry = registry
        self.factory = factory
        rateLimited = Metrics.Counter(label: "backtest_rate_limited_requests_total", factory: factory)
        queueDepth = Metrics.Gauge(label: "backtest_queue_depth", factory: factory)
        var runs: [String: Metrics.Gauge] = [:]
        for state in ["QUEUED", "RUNNING", "DONE", "ERROR", "CANCELLED"] {
            runs[state] = Metrics.Gauge(label: "backtest_runs", dimensions: [("state", state)], factory: factory)
        }
        self.runs = runs
        followers = Metrics.Gauge(label: "backtest_event_followers", factory: factory)
        residentBytes = Metrics.Gauge(label: "process_resident_memory_bytes", factory: factory)
        openDescriptors = Metrics.Gauge(label: "process_open_fds", factory: factory)
    }

    /// The exposition text: the gauges read now, then every family in the registry.
    func scrape(service: BacktestService) -> [UInt8] {
        if let counts = service.runCountsByState() {
            for (state, count) in counts {
                runs[state]?.record(count)
                if state == "QUEUED" { queueDepth.record(count) }
            }
        }
        followers.record(service.hub.followerCount)
        if let bytes = ProcessStats.residentBytes() { residentBytes.record(bytes) }
        if let count = ProcessStats.openDescriptors() { openDescriptors.record(count) }
        return registry.emitToBuffer()
    }
}

/// What `/proc/self` says about the process, read at scrape time.
enum ProcessStats {
    /// Resident set size: the second field of `/proc/self/statm` (pages) times the page size.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: sysconf(Int32(_SC_PAGESIZE)))
        return overflow ? nil : bytes
    }

    /// Entries of `/proc/self/fd`, less the one the listing itself holds open.
    static func openDescriptors() -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return max(0, entries.count - 1)
    }
}
