import BacktestEngine
import Catalog
import Foundation
import Synchronization

/// A grid run split over nodes. The node that claimed the run records its chunks, works through
/// them like any other node, waits for the chunks other nodes hold, then merges the partials
/// and goes on with the whole-run pipeline (validation, results, artifacts) under its own claim:
/// the claim fence of `finishRun` holds unchanged, and a stale claimer (its run re-queued and
/// claimed again) is refused there. A chunk's own fence (owner and attempt) keeps a node whose
/// chunk lease lapsed from storing its partial.
extension RunExecutor {
    /// The chunked run ended while its claimer waited (cancelled through another node, or failed
    /// by the leader's sweep): the claimer stops without a terminal state of its own.
    struct ChunkedRunEnded: Error {}

    /// What one chunk's evaluation needs, the same on every node.
    struct ChunkInputs: Sendable {
        let variants: [GridVariant]
        let keys: @Sendable (GridVariant) -> String
        let series: PreparedSeries
        let settings: BacktestSettings
        let topK: Int
        let ranking: Ranking
    }

    var chunkLease: RunLease {
        RunLease(owner: configuration.nodeID, milliseconds: LeaseKeeper.milliseconds(configuration.leaseSeconds))
    }

    /// The run's chunks, or nil when it runs whole: chunking off, or one chunk's worth of work.
    func chunkRanges(variants: Int, bars: Int) -> [Range<Int>]? {
        guard configuration.chunksGrids else { return nil }
        let ranges = ChunkPlan.ranges(
            variants: variants, bars: bars, barVariantsPerChunk: configuration.gridChunkBarVariants)
        return ranges.count > 1 ? ranges : nil
    }

    /// The claimer's part: every chunk done (here or elsewhere), then the merged outcome.
    func evaluateChunked(
        _ run: RunRecord, ranges: [Range<Int>], inputs: ChunkInputs, progress: inout RunProgress
    ) throws -> GridOutcome {
        try retry.run(run.id, "record the grid's chunks") { try catalog.createChunks(runID: run.id, ranges: ranges) }
        let bars = max(1, inputs.series.count)
        var finished = 0
        while true {
            if cancellations.reason(run.id) != nil { throw EngineError.cancelled }
            let claimed = try retry.run(run.id, "claim a chunk") {
                try catalog.claimChunk(runID: run.id, lease: chunkLease)
            }
            if let claim = claimed {
                let base = finished.saturatingMultiplied(by: bars)
                let tally = try work(claim, inputs) { step in
                    progress.publishCheckpoints(through: base.saturatingAdding(step.done))
                }
                finished = max(finished, tally?.doneVariants ?? 0)
                progress.publishCheckpoints(through: finished.saturatingMultiplied(by: bars))
                continue
            }
            let tally = try retry.run(run.id, "count the chunks") { try catalog.chunkTally(runID: run.id) }
            if tally.chunks == 0 {
                // Never expected while this claim holds the run (chunks go only with a finished
                // run), but a wait on chunks that do not exist would never end: record them again.
                try retry.run(run.id, "record the grid's chunks") {
                    try catalog.createChunks(runID: run.id, ranges: ranges)
                }
                continue
            }
            if tally.isComplete {
                progress.publishCheckpoints(through: .max)
                break
            }
            finished = max(finished, tally.doneVariants)
            progress.publishCheckpoints(through: finished.saturatingMultiplied(by: bars))
            let current = try retry.run(run.id, "read the run") { try catalog.run(id: run.id, scope: .any) }
            guard let current, current.status == .running, current.attempts == run.attempts else {
                throw ChunkedRunEnded()
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let stored = try retry.run(run.id, "read the chunks' results") { try catalog.chunkPartials(runID: run.id) }
        let partials = stored.compactMap(GridPartial.init(encoded:))
        guard partials.count == stored.count,
            let outcome = GridPartial.merge(
                partials, variants: inputs.variants, keys: inputs.keys, topK: inputs.topK, ranking: inputs.ranking)
        else {
            throw ServiceError(code: "internal", message: "the grid's chunk results do not cover the grid")
        }
        return outcome
    }

    /// Evaluates one claimed chunk and stores its partial; the run's tally after it, or nil when
    /// the claim was no longer current (the work is dropped). A stopped chunk goes back to the queue.
    func work(_ claim: ChunkClaim, _ inputs: ChunkInputs, progress: (GridProgress) -> Void) throws -> ChunkTally? {
        let runner = gridRunner()
        let partial: GridPartial
        do {
            partial = try runner.run(
                range: claim.range, of: inputs.variants, keys: inputs.keys, on: inputs.series,
                settings: inputs.settings, topK: inputs.topK, ranking: inputs.ranking, progress: progress,
                isCancelled: { cancellations.reason(claim.runID) != nil })
        } catch {
            release(claim)
            throw error
        }
        let result = try retry.run(claim.runID, "store a chunk") {
            try catalog.finishChunk(claim, partial: partial.encoded())
        }
        guard result.stored else { return nil }
        chunksStored.increment()
        logger.info(
            "grid chunk stored",
            metadata: [
                "run_id": .string(claim.runID), "chunk": .string(String(claim.index)),
                "variants": .string(String(claim.range.count)),
            ])
        return result.tally
    }

    /// Any node's worker with no QUEUED run: one chunk of a run another node claimed. A local
    /// cancel of the run stops it at the next checkpoint and ends the run CANCELLED (the run's
    /// claimer sees that and stops); a failure that is no cancel ends the run ERROR, since every
    /// node would meet it again.
    func executeChunk(_ claim: ChunkClaim) {
        do {
            let current = try retry.run(claim.runID, "read the run") { try catalog.run(id: claim.runID, scope: .any) }
            guard let run = current, run.status == .running else {
                release(claim)
                return
            }
            let inputs = try chunkInputs.inputs(run.id) {
                let (request, series, settings) = try datasets.inputs(
                    forStoredRequest: run.request, datasetID: run.datasetID)
                let grid = request.grid
                return ChunkInputs(
                    variants: grid.expand().variants, keys: { grid.variantKey($0) }, series: series,
                    settings: settings, topK: request.topK, ranking: request.ranking)
            }
            _ = try work(claim, inputs) { _ in }
        } catch let error as EngineError where error == .cancelled {
            guard cancellations.reason(claim.runID) == .cancelled else { return }
            endChunked(claim.runID, status: .cancelled, type: "cancelled", message: nil)
            cancellations.clear(claim.runID)
        } catch let error as any CatalogFailure {
            // The catalog's trouble, not the chunk's: given back for a later claim (any node's),
            // the run goes on.
            release(claim)
            logger.warning(
                "a grid chunk was given back: the catalog failed",
                metadata: ["run_id": .string(claim.runID), "error": .string("\(error)")])
        } catch {
            release(claim)
            logger.error(
                "a grid chunk failed", metadata: ["run_id": .string(claim.runID), "error": .string("\(error)")])
            endChunked(claim.runID, status: .error, type: "failed", message: "a grid chunk failed: \(error)")
        }
    }

    /// Gives a chunk back, retried like any run-path write. If the catalog still refuses, the
    /// chunk stays leased to this node until the node stops (its shutdown or, once it is gone,
    /// the leader's sweep gives it back); the failure is logged.
    private func release(_ claim: ChunkClaim) {
        do { try retry.run(claim.runID, "give a chunk back") { try catalog.releaseChunk(claim) } } catch {
            logger.error(
                "cannot give a grid chunk back",
                metadata: [
                    "run_id": .string(claim.runID), "chunk": .string(String(claim.index)),
                    "error": .string("\(error)"),
                ])
        }
    }

    /// Ends a chunked run from a node that does not hold its claim (no fence: only a RUNNING run
    /// changes, and its claimer stops when it sees the run ended).
    private func endChunked(_ runID: String, status: RunStatus, type: String, message: String?) {
        let data: JSONValue = .object([("status", .string(status.rawValue)), ("message", .string(message))])
        let stored = try? retry.run(runID, "end a chunked run") {
            try catalog.finishRun(
                id: runID, status: status, at: Identifiers.now(), error: message, grid: nil, best: nil, results: [],
                eventType: type, eventData: JSONWriter.compact(data))
        }
        if let stored { hub.publish(stored, terminal: true) }
    }
}

/// A count shared by the copies of a `Sendable` value.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    func increment() { _ = value.add(1, ordering: .relaxed) }

    var count: Int { value.load(ordering: .relaxed) }
}
