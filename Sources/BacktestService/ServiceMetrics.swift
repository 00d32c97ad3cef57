import Catalog
import Metrics

/// What the service records through swift-metrics; the factory is passed in (never the global
/// `MetricsSystem`), so tests and a process can each hold their own backend. Labels carry states
/// only, never run ids: the series count is bounded.
struct ServiceMetrics: Sendable {
    private let finished: [RunStatus: Counter]
    private let durations: [RunStatus: Metrics.Timer]
    let variantsEvaluated: Counter
    let barVariants: Counter
    let catalogErrors: Counter

    init(factory: any MetricsFactory) {
        var finished: [RunStatus: Counter] = [:]
        var durations: [RunStatus: Metrics.Timer] = [:]
        for status in [RunStatus.done, .error, .cancelled] {
            finished[status] = Counter(
                label: "backtest_runs_finished_total", dimensions: [("state", status.rawValue)], factory: factory)
            durations[status] = Metrics.Timer(
                label: "backtest_run_duration_seconds", dimensions: [("state", status.rawValue)], factory: factory)
        }
        self.finished = finished
        self.durations = durations
        variantsEvaluated = Counter(label: "backtest_variants_evaluated_total", factory: factory)
        barVariants = Counter(label: "backtest_bar_variants_total", factory: factory)
        catalogErrors = Counter(label: "backtest_catalog_errors_total", factory: factory)
    }

    /// A run reached `status` after `seconds` of work.
    func runFinished(_ status: RunStatus, seconds: Double) {
        finished[status]?.increment()
        durations[status]?.recordNanoseconds(Int64(min(max(seconds, 0), 1e9) * 1_000_000_000))
    }
}
