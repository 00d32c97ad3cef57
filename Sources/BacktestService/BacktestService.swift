import BacktestEngine
import Catalog
import Foundation
import Logging
import Metrics

/// The product behind the HTTP API: submit, run, observe and read backtests.
/// Knows nothing of HTTP; answers with `JSONValue` documents and `ServiceError`s.
public final class BacktestService: Sendable {
    public let configuration: ServiceConfiguration
    let catalog: Catalog
    public let datasets: DatasetStore
    public let hub: EventHub
    /// Feeds `hub` from the catalog on PostgreSQL (nil on SQLite).
    let crossNode: CrossNodeEvents?
    /// The API keys the server accepts (none: single-user mode).
    public let keys: KeyDirectory
    let finishedDocuments = DocumentCache()
    let cancellations = CancellationRegistry()
    let artifactStore: any ArtifactStorage
    let logger: Logger
    let executor: RunExecutor
    let pool: WorkerPool
    let leases: LeaseKeeper
    let metrics: ServiceMetrics
    let parser: RequestParser

    /// Opens the catalog, re-queues runs a crash left RUNNING, imports the samples and starts the workers.
    public init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "backtestd.service")) throws {
        self.configuration = configuration
        self.logger = logger
        let metrics = ServiceMetrics(factory: configuration.metricsFactory ?? NOOPMetricsHandler.instance)
        self.metrics = metrics
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        guard let location = CatalogLocation(url: configuration.catalogURL, dataDirectory: configuration.dataDirectory)
        else { throw ServiceError(code: "invalid_configuration", message: "catalog_url is not sqlite: or postgres://") }
        let catalog = try Catalog(
            location: location, durableCommits: configuration.durableCommits, faults: configuration.catalogFaults)
        self.catalog = catalog
        let shared = location.isShared
        hub = EventHub(relayed: shared)
        keys = KeyDirectory(catalog: catalog)
        let engineThreads = BackgroundThreads(threads: configuration.engineThreads - 1)
        datasets = DatasetStore(catalog: catalog, executor: engineThreads)
        parser = RequestParser(
            maxGridVariants: configuration.maxGridVariants, jsonLimits: configuration.jsonLimits,
            maxDatasets: configuration.maxDatasetsPerRun)
        let maxAttempts = configuration.maxRunAttempts
        // A shared catalog: only the runs this node id held (a restart under a fixed `node_id`);
        // other nodes' runs are alive, or re-queued by the reaper once their lease expires.
        let recovery = try catalog.recoverInterrupted(
            at: Identifiers.now(), maxAttempts: maxAttempts, leaseOwner: catalog.isShared ? configuration.nodeID : nil,
            requeuedData: #"{"reason":"re-queued after an interrupted run","status":"QUEUED"}"#,
            failedData: { attempts in
                JSONWriter.compact(
                    .object([("message", .string(Self.poisonMessage(attempts))), ("status", "ERROR")]))
            },
            failedMessage: Self.poisonMessage)
        // Started after the last step that can throw: a failed start leaves no listener thread behind.
        crossNode = CrossNodeEvents(
            catalog: catalog, hub: hub, pollInterval: configuration.eventPollSeconds, logger: logger,
            onCancel: Self.cancelHeard(catalog: catalog, cancellations: cancellations, logger: logger))
        for event in recovery.requeued {
            logger.info("run re-queued after restart", metadata: ["run_id": .string(event.runID)])
        }
        // A run failed at start-up keeps no files (a crash may have left some).
        artifactStore = artifactStorage(catalog: catalog, dataDirectory: configuration.dataDirectory)
        for event in recovery.failed {
            artifactStore.remove(event.runID)
            logger.error(
                "run failed: interrupted on every attempt", metadata: ["run_id": .string(event.runID)])
        }
        if let samples = configuration.samplesDirectory {
            let (imported, failed) = datasets.importSamples(from: samples)
            logger.info(
                "samples imported",
                metadata: ["folder": .string(samples), "files": .string(imported.joined(separator: ","))])
            for (file, why) in failed {
                logger.warning("sample not imported", metadata: ["file": .string(file), "reason": .string(why)])
            }
        } else {
            logger.info("no samples imported: import_samples is off or no samples folder was found")
        }
        let executor = RunExecutor(
            catalog: catalog, datasets: datasets, hub: hub, cancellations: cancellations,
            finishedDocuments: finishedDocuments,
            engineThreads: engineThreads, configuration: configuration,
            logger: logger, metrics: metrics, artifacts: ArtifactWriter(storage: artifactStore, locks: ChainLocks()))
        self.executor = executor
        let hub = self.hub
        let lease = RunLease(
            owner: configuration.nodeID, milliseconds: LeaseKeeper.milliseconds(configuration.leaseSeconds))
        let cancellations = self.cancellations
        // With grid chunks, an idle worker looks for other nodes' chunks every 100 ms (nothing wakes it
        // when another node records them).
        let pool = WorkerPool(count: configuration.workers, idleSeconds: configuration.chunksGrids ? 0.1 : 1) {
            let claimed: (RunRecord, EventRecord)?
            do {
                claimed = try catalog.claimNextQueued(
                    at: Identifiers.now(), lease: lease, eventData: { _ in #"{"status":"RUNNING"}"# })
            } catch {
                // The queue stays where it is; the worker tries again after its idle wait.
                metrics.catalogErrors.increment()
                logger.warning("cannot claim a queued run", metadata: ["error": .string("\(error)")])
                return nil
            }
            guard let (run, event) = claimed else {
                // No run to start: help with another node's (or this node's) chunked grid.
                guard configuration.chunksGrids else { return nil }
                guard let chunk = try? catalog.claimChunk(lease: lease) else { return nil }
                // A cancel announced by any node reaches this chunk's work too.
                cancellations.begin(chunk.runID)
                return {
                    defer { cancellations.end(chunk.runID) }
                    executor.executeChunk(chunk)
                }
            }
            // From here a cancel announced by any node is matched against this run.
            cancellations.begin(run.id)
            // A cancel accepted while the run was RUNNING before a crash or a re-queue keeps its
            // flag: the run stops at its first checkpoint rather than run to DONE.
            if (try? catalog.isCancelRequested(id: run.id)) == true { cancellations.request(run.id, .cancelled) }
            hub.publish(event)
            executor.log(run, "run started", status: "RUNNING")
            return {
                defer { cancellations.end(run.id) }
                executor.execute(run)
            }
        }
        self.pool = pool
        leases = Self.keepLeases(
            catalog: catalog, configuration: configuration, logger: logger, hub: hub, pool: pool,
            artifactStore: artifactStore, cancellations: cancellations)
    }

    /// The server pid of this node's LISTEN connection (0: down, or SQLite), for tests that cut it.
    public var eventListenerPID: Int32 { crossNode?.listenerPID ?? 0 }

    static func poisonMessage(_ attempts: Int) -> String {
        "the run was interrupted \(attempts) times (the process stopped while running it); not retried again"
    }

    // MARK: submit

    /// What `POST /backtests` answers.
    public enum Submission: Sendable {
        case created(JSONValue, runID: String)
        case existing(JSONValue, runID: String)
    }

    /// Validates, hashes and inserts (committed before returning); never runs engine work.
    public func submit(
        body: [UInt8], idempotencyKey: String?, caller: Caller = .local, admission: Admission = .unlimited
    ) throws(ServiceError) -> Submission {
        if let key = idempotencyKey, key.isEmpty || key.count > 255 || !key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) {
            throw ServiceError.validation([
                .init(path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters")
            ])
        }
        let (json, specHash) = try resolveSavedMode(try parser.json(body), caller: caller)
        let request = try parser.parse(json)
        let datasetID: String
        let datasetSHA256: String
        let variants = request.gridAxes.isEmpty ? 1 : request.grid.validCount
        if let items = request.datasets {
            // Several datasets: the run names them all, and the hash covers every content hash in order.
            let resolved = try resolveDatasets(items, caller)
            for (index, (_, bars)) in resolved.enumerated() {
                try checkWindows(
                    request, bars: bars,
                    entry: "\(request.normalized["datasets"] == nil ? "symbols" : "datasets").\(index)")
            }
            datasetID = resolved.map(\.0.id).joined(separator: ",")
            datasetSHA256 = resolved.map(\.0.sha256).joined(separator: ",")
        } else {
            let dataset = try resolveDataset(request, caller)
            var bars = dataset.rows
            if request.isWindowed {
                bars = try barCount(datasetID: dataset.id, from: request.fromMilliseconds, to: request.toMilliseconds)
            }
            try checkWindows(request, bars: bars)
            try Self.checkWalkForward(request, bars: bars)
            try checkValidationWork(request, variants: variants, bars: bars)
            datasetID = dataset.id
            datasetSHA256 = dataset.sha256
        }
        let hash = InputHash.compute(normalized: request.normalized, datasetSHA256: datasetSHA256)
        let newRun = NewRun(
            id: Identifiers.make(prefix: "run_"), owner: caller.owner, inputHash: hash,
            idempotencyKey: idempotencyKey,
            request: JSONWriter.compact(request.normalized), datasetID: datasetID, variants: variants,
            engineVersion: InputHash.engineVersion, createdAt: Identifiers.now(),
            queuedEventData: #"{"status":"QUEUED"}"#, specHash: specHash)
        let outcome: InsertOutcome
        do {
            outcome = try catalog.insertRun(
                newRun, queueCapacity: configuration.queueCapacity, maxActive: admission.maxActiveRuns,
                admit: admission.admit)
        } catch {
            metrics.catalogErrors.increment()
            logger.error("run not stored", metadata: ["run_id": .string(newRun.id), "error": .string("\(error)")])
            throw ServiceError.catalogRefused(error, "the run")
        }
        switch outcome {
        case .created(let run, let event):
            hub.publish(event)
            executor.log(run, "run submitted", status: "QUEUED")
            pool.wake()
            return .created(
                .object(
                    [
                        ("run_id", .string(run.id)), ("status", "QUEUED"), ("input_hash", .string(hash)),
                        ("variants", .integer(variants)),
                    ] + ReproducibilityHashes(normalized: request.normalized, specHash: specHash).members),
                runID: run.id)
        case .existing(let run):
            executor.log(run, "duplicate submission", status: "EXISTS")
            return .existing(
                .object(
                    [
                        ("run_id", .string(run.id)), ("status", "EXISTS"),
                        ("run_status", .string(run.status.rawValue)), ("input_hash", .string(run.inputHash)),
                    ] + Self.hashes(run).members), runID: run.id)
        case .keyReused(let run):
            throw ServiceError(
                code: "idempotency_key_reused",
                message: "Idempotency-Key \(idempotencyKey ?? "") was used for run \(run.id) with different input")
        case .queueFull(let queued):
            throw ServiceError(
                code: "queue_full", message: "\(queued) runs are queued; try again later", retryAfterSeconds: 5)
        case .quotaFull(let active):
            throw ServiceError(
                code: "rate_limited",
                message:
                    "the concurrency quota is reached: \(active) runs of this owner are queued or running; wait for one to finish",
                retryAfterSeconds: 5)
        case .notAdmitted:
            throw ServiceError(code: "rate_limited", message: "the rate limit of POST /backtests is reached")
        }
    }

    /// The reproducibility hashes of a stored run (from its normalized request).
    static func hashes(_ run: RunRecord) -> ReproducibilityHashes {
        ReproducibilityHashes(
            normalized: (try? JSONParser.parse(run.request)) ?? .null, specHash: run.specHash,
            engineVersion: run.engineVersion)
    }

    private func resolveDataset(_ request: BacktestRequest, _ caller: Caller) throws(ServiceError) -> DatasetRecord {
        switch request.data {
        case .dataset(let id)?:
            do { return try datasets.record(id: id, scope: caller.usableDatasets) } catch {
                throw ServiceError.validation([.init(path: "dataset_id", message: "no dataset \(id)")])
            }
        case .symbol(let symbol, let timeframe)?:
            guard let found = try datasets.newest(symbol: symbol, timeframe: timeframe, scope: caller.usableDatasets)
            else {
                throw ServiceError.validation([.init(path: "symbol", message: "no dataset for \(symbol) \(timeframe)")])
            }
            return found
        case nil:
            throw ServiceError.validation([
                .init(path: "dataset_id", message: "give dataset_id or symbol and timeframe")
            ])
        }
    }

    /// The validation stage re-runs each of the top variants once per permutation and bootstrap
    /// sample: refused up front when that exceeds the budget, rather than occupying a worker for hours.
    private func checkValidationWork(_ request: BacktestRequest, variants: Int, bars: Int) throws(ServiceError) {
        guard let validation = request.validation else { return }
        let work = Validation.work(validation, variants: min(request.topK, variants), bars: bars)
        guard work > configuration.maxValidationWork else { return }
        throw ServiceError.validation([
            .init(
                path: "validation",
                message:
                    "costs \(work == .max ? "more than \(Int.max)" : String(work)) bar evaluations (top_k × (permutations + bootstrap samples) × bars), more than the limit of \(configuration.maxValidationWork)"
            )
        ])
    }

    /// `slow ≤ n`, `delay_bars < n` and `warmup_bars < n` on the selected bars (ENGINE.md: `1 ≤ fast < slow ≤ n`).
    /// `entry`: the `datasets`/`symbols` entry the bars are of (named in the messages).
    private func checkWindows(_ request: BacktestRequest, bars: Int, entry: String? = nil) throws(ServiceError) {
        guard bars >= 2 else {
            throw ServiceError.validation([
                .init(path: entry ?? "from", message: "selects fewer than 2 bars")
            ])
        }
        var largest = request.parameters.slow
        var path = "strategy.params.slow"
        if let axis = request.gridAxes.first(where: { $0.parameter == .slow }), let top = axis.values.last {
            largest = Int(top)
            path = "grid.slow"
        }
        if largest > bars {
            throw ServiceError.validation([
                .init(
                    path: path, message: "must be at most the \(bars) bars selected\(entry.map { " by \($0)" } ?? "")")
            ])
        }
        if request.settings.warmupBars >= bars {
            throw ServiceError.validation([
                .init(
                    path: "warmup_bars",
                    message: "must be less than the \(bars) bars selected\(entry.map { " by \($0)" } ?? "")")
            ])
        }
    }
}
