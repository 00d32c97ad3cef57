import BacktestEngine
import Catalog
import Foundation
import Metrics

/// Settings of the service layer.
public struct ServiceConfiguration: Sendable {
    /// Folder of the SQLite catalog (`catalog.sqlite`), uploads and artifacts.
    public var dataDirectory: String
    /// Where the catalog lives: `sqlite:` (default, in `dataDirectory`), `sqlite:/path`, or a
    /// PostgreSQL URI (`postgres://…`), see `CatalogLocation`.
    public var catalogURL = "sqlite:"
    /// PostgreSQL: followers' read-by-seq interval while the LISTEN connection is down.
    public var eventPollSeconds = 0.1
    /// Runs executed at once (default: cores).
    public var workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Engine threads per run (default: cores).
    public var engineThreads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Most QUEUED runs before `queue_full` (default 1000).
    public var queueCapacity: Int = 1000
    /// Most grid combinations per request (default 1,000,000).
    public var maxGridVariants: Int = 1_000_000
    /// Most entries of a request's `datasets` or `symbols` (default 10).
    public var maxDatasetsPerRun: Int = 10
    /// Finished runs kept (default 100).
    public var retentionRuns: Int = 100
    /// Folder of `SYMBOL_TIMEFRAME.csv` samples imported at start-up (nil: none).
    public var samplesDirectory: String?
    /// Work per progress event, in bar-variants: deterministic checkpoints, ≈6/s at full speed.
    public var progressEveryBarVariants: Int = 100_000_000
    /// Variants per engine chunk (snapshots come between chunks).
    public var chunkVariants: Int = 4096
    /// Bar-variants per engine step, between progress checks and cancellation checks (≈15 ms).
    public var stepBarVariants: Int = GridRunner(workers: 1).stepBarVariants
    /// Split single-dataset grid runs into chunks that any node may claim (nil: on for a
    /// PostgreSQL catalog, off for SQLite), see `chunksGrids`.
    public var gridChunks: Bool?
    /// Bar evaluations per grid chunk (≈1–2 s of one engine thread).
    public var gridChunkBarVariants: Int = 1_000_000_000
    /// Claims of one run before a run found RUNNING at start-up ends as ERROR instead of being
    /// re-queued (default 3): a run that kills the process cannot crash-loop it.
    public var maxRunAttempts: Int = 3
    /// This node's name in the leases of the runs it claims (default: generated, unique per process).
    public var nodeID = Identifiers.make(prefix: "node_")
    /// How long a claim holds without renewal (default 30 s): a node that dies loses its runs to
    /// the others this long after its last renewal.
    public var leaseSeconds: Double = 30
    /// How often a node renews its leases and, when it leads, reaps expired ones (default 5 s).
    public var leaseHeartbeatSeconds: Double = 5
    /// The JSON budget of a `POST /backtests` body.
    public var jsonLimits = JSONParser.Limits()
    /// Most bar evaluations the validation stage of one run may cost (top_k × (permutations +
    /// bootstrap samples) × bars), checked at submission (default 2·10¹⁰, about a minute).
    public var maxValidationWork: Int = 20_000_000_000
    /// How a failing catalog call on the run path is retried before the run ends as ERROR.
    public var catalogRetry = CatalogRetryPolicy()
    /// Fsync the commits that answer a client before answering (default true): a 2xx then
    /// survives power loss, not only a crash.
    public var durableCommits = true
    /// Where the service's metrics go (nil: nowhere). Passed explicitly rather than read from the
    /// process-wide `MetricsSystem`, which can be bootstrapped once per process only.
    public var metricsFactory: (any MetricsFactory)?
    /// Makes chosen catalog writes fail (tests only).
    public var catalogFaults: CatalogFaults?

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

extension ServiceConfiguration {
    /// Whether single-dataset grid runs are split into chunks any node may claim: as set, or by
    /// default on a PostgreSQL catalog (several nodes) and off on SQLite (one node).
    var chunksGrids: Bool {
        gridChunks ?? !(catalogURL.hasPrefix("sqlite:"))
    }
}
