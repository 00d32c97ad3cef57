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
}
