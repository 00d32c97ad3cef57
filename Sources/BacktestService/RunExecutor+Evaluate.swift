import BacktestEngine
import Catalog
import Foundation

/// The engine work of one claimed run: the grid (whole, or in chunks across nodes), any
/// walk-forward windows and validation stage, and the rows, grid summary and events they give.
extension RunExecutor {
    func evaluate(_ run: RunRecord, started: Date) throws -> Outcome {
        if run.datasetID.contains(",") || Self.namesSeveralDatasets(run.request) {
            return try evaluateMany(run, started: started)
        }
        let (request, series, settings) = try datasets.inputs(forStoredRequest: run.request, datasetID: run.datasetID)
        let grid = request.grid
        try checkGridLimit(grid)
        let expanded =
            grid.axes.isEmpty
            ? ([GridVariant(parameters: request.parameters, settings: settings)], [0], 0) : grid.expand()
        let bars = max(series.count, 1)
        let runner = gridRunner()
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

    /// The engine's grid runner as this node is configured: its engine threads, chunk and step sizes.
    func gridRunner() -> GridRunner {
        var runner = GridRunner(workers: configuration.engineThreads)
        runner.chunkVariants = configuration.chunkVariants
        runner.stepBarVariants = configuration.stepBarVariants
        runner.executor = engineThreads
        return runner
    }

    /// Checked at submission; checked again because a run stored by an older build, or before the
    /// limit was lowered, must end with a reason rather than expand without end.
    func checkGridLimit(_ grid: ParameterGrid) throws(ServiceError) {
        guard let combinations = grid.exactCombinationCount, combinations <= configuration.maxGridVariants else {
            throw ServiceError(
                code: "validation_error",
                message: "the grid has more than max_grid_variants (\(configuration.maxGridVariants)) combinations")
        }
    }
}
