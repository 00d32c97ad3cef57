import BacktestEngine
import Catalog
import Foundation
import Logging

/// Executes one claimed run: engine work, throttled progress and snapshots, validation,
/// results, and exactly one terminal transition.
struct RunExecutor: Sendable {
    let catalog: Catalog
    let datasets: DatasetStore
    let hub: EventHub
    let cancellations: CancellationRegistry
    let finishedDocuments: DocumentCache
    let engineThreads: BackgroundThreads
    let configuration: ServiceConfiguration
    let logger: Logger
    let metrics: ServiceMetrics
    let artifacts: ArtifactWriter
    /// Grid chunks this node evaluated and stored (tests: which nodes took part).
    let chunksStored = SharedCounter()
    /// The inputs of the chunked runs this node works chunks of (`executeChunk`).
    let chunkInputs = ChunkInputsCache()

    var retry: CatalogRetry {
        CatalogRetry(policy: configuration.catalogRetry, logger: logger, errors: metrics.catalogErrors)
    }

    /// Persists and publishes one event of `run` under this node's claim. A vanished run
    /// (deleted) stops the work; so does a claim another one replaced (this node's lease was
    /// reaped), which then writes nothing more; a catalog that keeps failing stops it too, and
    /// the run then ends as ERROR — the three are never confused.
    func emit(_ run: RunRecord, _ type: String, _ data: JSONValue, terminal: Bool = false) {
        do {
            let stored = try retry.run(run.id, "append \(type) event") {
                try catalog.appendEvent(
                    runID: run.id, type: type, timestamp: Identifiers.now(), data: JSONWriter.compact(data),
                    claim: claim(run))
            }
            switch stored {
            case .appended(let event): hub.publish(event, terminal: terminal)
            case .gone: cancellations.request(run.id, .deleted)
            case .superseded: cancellations.request(run.id, .superseded)
            }
        } catch {
            cancellations.request(run.id, .catalogFailure)
        }
    }

    func execute(_ run: RunRecord) {
        let started = Date()
        do {
            let outcome = try evaluate(run, started: started)
            // A lost progress or snapshot event would make the event list differ from a clean run's.
            // A superseded claim's work is dropped: the run's current claim finishes it.
            if let reason = cancellations.reason(run.id), reason == .catalogFailure || reason == .superseded {
                throw EngineError.cancelled
            }
            let files: ArtifactWriter.Staged
            do { files = try artifacts.writeFiles(artifactInputs(run, outcome)) } catch {
                logger.error(
                    "cannot write the run's artifacts",
                    metadata: ["run_id": .string(run.id), "error": .string(String(describing: error))])
                finish(run, status: .error, type: "failed", message: Self.artifactFailureMessage, started: started)
                return cleanUp(run)
            }
            let stored: EventRecord?
            do {
                let now = Identifiers.now()
                stored = try artifacts.seal(
                    run, files: files, at: now,
                    head: { try retry.run(run.id, "read the chain head") { try catalog.chainHead(owner: run.owner) } },
                    commit: { link, carried in
                        try retry.run(run.id, "store results") {
                            try catalog.finishRun(
                                id: run.id, status: .done, at: now, error: nil, grid: outcome.grid,
                                best: outcome.best, results: outcome.rows, eventType: "completed",
                                eventData: outcome.completedEvent, chainLink: link, artifactFiles: carried,
                                claim: claim(run))
                        }
                    })
            } catch {
                // The files stay until the run's terminal state commits: a shutdown in between leaves
                // the run RUNNING, and the restart redoes them.
                finish(run, status: .error, type: "failed", message: Self.catalogFailureMessage, started: started)
                return cleanUp(run)
            }
            // Deleted meanwhile: its files go with it.
            guard let event = stored else {
                artifacts.storage.remove(run.id)
                return cleanUp(run)
            }
            hub.publish(event, terminal: true)
            metrics.runFinished(.done, seconds: Date().timeIntervalSince(started))
            metrics.variantsEvaluated.increment(by: outcome.evaluated)
            let (barVariants, overflow) = outcome.evaluated.multipliedReportingOverflow(by: outcome.bars)
            metrics.barVariants.increment(by: overflow ? Int.max : barVariants)
            log(run, "run finished", status: "DONE", extra: ["duration_s": "\(Date().timeIntervalSince(started))"])
        } catch let error as EngineError where error == .cancelled {
            switch cancellations.reason(run.id) {
            case .cancelled?, nil:
                finish(run, status: .cancelled, type: "cancelled", message: nil, started: started)
            case .deleted?:
                hub.close(runID: run.id)
            case .superseded?:
                // Not closed on this node's hub: the run goes on under another claim, and this
                // node's followers of it keep following.
                log(run, "run given up: this node's lease lapsed and another claim holds it", status: "RUNNING")
            case .shutdown?:
                // Not the run's fault: its claim is given back so it does not count as an attempt.
                try? catalog.releaseAttempt(runID: run.id)
                log(run, "run interrupted by shutdown; it will be re-queued at the next start", status: "RUNNING")
            case .catalogFailure?:
                finish(run, status: .error, type: "failed", message: Self.catalogFailureMessage, started: started)
            }
        } catch is ChunkedRunEnded {
            log(run, "chunked run ended by another node", status: "ENDED")
        } catch let error as ServiceError {
            finish(run, status: .error, type: "failed", message: error.message, started: started)
        } catch let error as EngineError {
            finish(run, status: .error, type: "failed", message: error.description, started: started)
        } catch {
            finish(run, status: .error, type: "failed", message: "internal error", started: started)
        }
        cleanUp(run)
    }

    /// This node's claim of `run`: only it may finish the run (a lease reaped meanwhile means
    /// another claim has it now).
    func claim(_ run: RunRecord) -> RunClaim { RunClaim(owner: configuration.nodeID, attempt: run.attempts) }

    static let catalogFailureMessage = "the catalog kept failing while the run was stored; see the server log"
    static let artifactFailureMessage = "the run's artifact files could not be written; see the server log"

    private func cleanUp(_ run: RunRecord) {
        if cancellations.reason(run.id) != .shutdown {
            cancellations.clear(run.id)
            // A chunked run's partials are merged into its result (or no longer wanted).
            if configuration.chunksGrids { try? catalog.deleteChunks(runID: run.id) }
        }
        if let removed = try? catalog.applyRetention(keep: configuration.retentionRuns) {
            for id in removed {
                finishedDocuments.remove(id)
                artifacts.storage.remove(id)
                hub.close(runID: id)
            }
        }
    }

    /// Ends the run with its terminal event. Retried until the catalog takes it: an accepted run
    /// must reach a terminal state, so a live process never leaves it RUNNING. Only a shutdown
    /// stops the retries (the next start re-queues or fails the run).
    private func finish(_ run: RunRecord, status: RunStatus, type: String, message: String?, started: Date) {
        let data: JSONValue = .object([("status", .string(status.rawValue)), ("message", .string(message))])
        var pause = configuration.catalogRetry.maxDelaySeconds
        while true {
            do {
                let stored = try retry.run(run.id, "finish run as \(status.rawValue)") {
                    try catalog.finishRun(
                        id: run.id, status: status, at: Identifiers.now(), error: message, grid: nil, best: nil,
                        results: [], eventType: type, eventData: JSONWriter.compact(data), claim: claim(run))
                }
                if let stored {
                    hub.publish(stored, terminal: true)
                    metrics.runFinished(status, seconds: Date().timeIntervalSince(started))
                }
                // Only a DONE run has artifacts; any files of this attempt go with its failure.
                artifacts.storage.remove(run.id)
                break
            } catch {
                guard !cancellations.isShuttingDown else {
                    return log(run, "run left RUNNING at shutdown: the catalog failed", status: "RUNNING")
                }
                logger.error(
                    "the catalog keeps refusing the run's terminal state; retrying",
                    metadata: ["run_id": .string(run.id), "error": .string(String(describing: error))])
                // In short steps, so a shutdown never waits out a long pause.
                let until = Date().addingTimeInterval(pause)
                while Date() < until && !cancellations.isShuttingDown { Thread.sleep(forTimeInterval: 0.05) }
                pause = min(pause * 2, 30)
            }
        }
        log(run, "run finished", status: status.rawValue, extra: message.map { ["error": $0] } ?? [:])
    }

    func log(_ run: RunRecord, _ message: String, status: String, extra: [String: String] = [:]) {
        var metadata: Logger.Metadata = [
            "run_id": .string(run.id), "input_hash": .string(run.inputHash),
            "idempotency_key": .string(run.idempotencyKey ?? ""), "status": .string(status),
        ]
        for (key, value) in extra { metadata[key] = .string(value) }
        logger.info(Logger.Message(stringLiteral: message), metadata: metadata)
    }

    struct Outcome {
        let rows: [ResultRow]
        let grid: String
        let best: String
        let completedEvent: String
        let evaluated: Int
        let bars: Int
        let top: [RankedVariant]
        let series: PreparedSeries
        let settings: BacktestSettings
    }

    /// The run as it stands (progress totals move while it runs) and what its files show.
    private func artifactInputs(_ run: RunRecord, _ outcome: Outcome) throws -> ArtifactWriter.Inputs {
        let current = try retry.run(run.id, "read the run") { try catalog.run(id: run.id, scope: .any) } ?? run
        return ArtifactWriter.Inputs(
            run: current, document: BacktestService.doneDocument(current, best: outcome.best), top: outcome.top,
            series: outcome.series, settings: outcome.settings)
    }
}
