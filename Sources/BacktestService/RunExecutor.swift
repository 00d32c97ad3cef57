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

    private func evaluate(_ run: RunRecord, started: Date) throws -> Outcome {
        if run.datasetID.contains(",") || Self.namesSeveralDatasets(run.request) {
            return try evaluateMany(run, started: started)
        }
        let (request, series, settings) = try datasets.inputs(forStoredRequest: run.request, datasetID: run.datasetID)
        let grid = request.grid
        // Checked at submission; checked again because a run stored by an older build, or before
        // the limit was lowered, must end with a reason rather than expand without end.
        guard let combinations = grid.exactCombinationCount, combinations <= configuration.maxGridVariants else {
            throw ServiceError(
                code: "validation_error",
                message: "the grid has more than max_grid_variants (\(configuration.maxGridVariants)) combinations")
        }
        let expanded =
            grid.axes.isEmpty
            ? ([GridVariant(parameters: request.parameters, settings: settings)], [0], 0) : grid.expand()
        let bars = max(series.count, 1)
        var runner = GridRunner(workers: configuration.engineThreads)
        runner.chunkVariants = configuration.chunkVariants
        runner.stepBarVariants = configuration.stepBarVariants
        runner.executor = engineThreads
        let isCancelled = { cancellations.reason(run.id) != nil }
        // A walk-forward's windows come after the grid: progress counts the work of both.
        let walkForwardWork =
            request.walkForward.flatMap { walkForward in
                try? walkForward.configuration.windows(bars: series.count).get()
            }.map { WalkForward.work($0, variants: expanded.0.count) } ?? 0
        let gridWork = expanded.0.count.saturatingMultiplied(by: series.count)
        var progress = RunProgress(
            executor: self, run: run, started: started, bars: bars,
            total: gridWork.saturatingAdding(walkForwardWork),
            timestamps: expanded.0.count == 1 && walkForwardWork == 0 ? series.series.timestamps : nil)
        let outcome: GridOutcome
        // A walk-forward's windows and several datasets run whole; a chunked run has no snapshots.
        if request.walkForward == nil, let ranges = chunkRanges(variants: expanded.0.count, bars: series.count) {
            let inputs = ChunkInputs(
                variants: expanded.0, keys: { grid.variantKey($0) }, series: series, settings: settings,
                topK: request.topK, ranking: request.ranking)
            outcome = try evaluateChunked(run, ranges: ranges, inputs: inputs, progress: &progress)
        } else {
            outcome = try runner.run(
                expanded.0, keys: { grid.variantKey($0) }, on: series, settings: settings, topK: request.topK,
                ranking: request.ranking,
                progress: { progress.publish(done: $0.done, barsReached: $0.barsReached) },
                isCancelled: isCancelled,
                leaderChanged: { leader in
                    emit(run, "snapshot", .object([("best", Self.summary(leader, axes: grid.axes))]))
                })
        }
        // Before the validation stage: the grid's progress runs on into the windows' work.
        var analysis: WalkForwardOutcome?
        if let walkForward = request.walkForward {
            analysis = try WalkForward.run(
                expanded.0, keys: { grid.variantKey($0) }, on: series, settings: settings,
                configuration: walkForward.configuration, ranking: walkForward.ranking,
                runner: runner,
                progress: { progress.publish(done: gridWork.saturatingAdding($0.done), barsReached: $0.barsReached) },
                isCancelled: isCancelled)
        }
        var validations: [Validation.Report?] = outcome.top.map { _ in nil }
        if let validation = request.validation {
            validations = try validate(
                run, validation, outcome.top, series: series, settings: settings, isCancelled: isCancelled)
        }
        let rows = outcome.top.enumerated().map { index, ranked in
            var body = ResultEncoding.result(
                rank: index + 1, ranked: ranked, series: series.series, settings: ranked.settings(settings),
                validation: validations[index], ranking: request.ranking, axes: grid.axes)
            if case .object(let members) = body {
                let spec = ResultSpec.make(
                    ranked.parameters, settings: ranked.settings(request.settings), normalized: request.normalized,
                    datasetID: run.datasetID)
                body = .object(
                    members + [("spec", spec)]
                        + ResultEncoding.trades(
                            of: ranked, rank: index + 1, request: request, series: series,
                            settings: ranked.settings(settings)))
            }
            return ResultRow(rank: index + 1, variantKey: ranked.variantKey, body: JSONWriter.compact(body))
        }
        var gridJSON = ResultEncoding.grid(
            grid, combinationIndex: expanded.1, totalReturns: outcome.totalReturns, skipped: expanded.2,
            heatmap: request.heatmap)
        if let walkForward = request.walkForward, let analysis, case .object(let members) = gridJSON {
            // Stored with the grid summary; `GET /runs/{id}/results` shows it as its own section.
            let section = ResultEncoding.walkForward(
                analysis, request: walkForward, series: series.series, axes: grid.axes)
            gridJSON = .object(members + [("walk_forward", section)])
        }
        let best = outcome.top.first.map { Self.summary($0, axes: grid.axes) } ?? .null
        let completed: JSONValue = .object([
            ("status", "DONE"), ("evaluated", .integer(outcome.evaluated)), ("skipped", .integer(expanded.2)),
            ("best", best),
        ])
        return Outcome(
            rows: rows, grid: JSONWriter.compact(gridJSON), best: JSONWriter.compact(best),
            completedEvent: JSONWriter.compact(completed), evaluated: outcome.evaluated, bars: series.count,
            top: outcome.top, series: series, settings: settings)
    }

    /// Rank-1 style summary: key, parameters and metrics.
    static func summary(_ ranked: RankedVariant, axes: [ParameterGrid.Axis]) -> JSONValue {
        .object([
            ("variant_key", .string(ranked.variantKey)),
            ("params", ResultEncoding.parameters(ranked.variant, axes: axes)),
            ("metrics", ResultEncoding.metrics(ranked.metrics)),
        ])
    }
}
