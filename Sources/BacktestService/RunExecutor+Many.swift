import BacktestEngine
import Catalog
import Foundation

/// A run over several datasets: the grid on each, per-dataset top-K and heatmaps, and the
/// aggregate ranking by the mean (with median and min) of the objective across datasets.
extension RunExecutor {
    static func namesSeveralDatasets(_ request: String) -> Bool {
        guard let json = try? JSONParser.parse(request) else { return false }
        return json["datasets"] != nil || json["symbols"] != nil
    }

    func evaluateMany(_ run: RunRecord, started: Date) throws -> Outcome {
        let (request, inputs) = try datasets.inputs(forStoredRequest: run.request, datasetIDs: run.datasetID)
        guard let first = inputs.first else { throw ServiceError.internalError }
        let grid = request.grid
        try checkGridLimit(grid)
        let expanded =
            grid.axes.isEmpty
            ? ([GridVariant(parameters: request.parameters, settings: first.settings)], [0], 0) : grid.expand()
        let runner = gridRunner()
        let isCancelled = { cancellations.reason(run.id) != nil }
        let allBars = inputs.reduce(0) { $0.saturatingAdding($1.series.count) }
        var progress = RunProgress(
            executor: self, run: run, started: started, bars: allBars / inputs.count,
            total: expanded.0.count.saturatingMultiplied(by: allBars), timestamps: nil)
        var done = 0
        var sections: [JSONValue] = []
        var scores: [[Double]] = []
        var heatmaps: [[Double]] = []
        for (index, input) in inputs.enumerated() {
            let before = done
            let outcome = try runner.run(
                expanded.0, keys: { grid.variantKey($0) }, on: input.series, settings: input.settings,
                topK: request.topK, ranking: request.ranking,
                progress: { progress.publish(done: before.saturatingAdding($0.done), barsReached: $0.barsReached) },
                isCancelled: isCancelled)
            done = done.saturatingAdding(expanded.0.count.saturatingMultiplied(by: input.series.count))
            scores.append(outcome.scores)
            heatmaps.append(outcome.totalReturns)
            let top: [JSONValue] = outcome.top.enumerated().map { rank, ranked in
                .object([
                    ("rank", .integer(rank + 1)), ("variant_key", .string(ranked.variantKey)),
                    ("params", ResultEncoding.parameters(ranked.variant, axes: grid.axes)),
                    ("metrics", ResultEncoding.metrics(ranked.metrics)),
                ])
            }
            let heatmap = ResultEncoding.grid(
                grid, combinationIndex: expanded.1, totalReturns: outcome.totalReturns, skipped: expanded.2,
                heatmap: request.heatmap)["heatmap"]
            sections.append(
                .object([
                    ("index", .integer(index)), ("dataset_id", .string(input.dataset.id)),
                    ("symbol", .string(input.dataset.symbol)), ("timeframe", .string(input.dataset.timeframe)),
                    ("bars", .integer(input.series.count)), ("top", .array(top)), ("heatmap", heatmap ?? .null),
                ]))
        }
        if isCancelled() { throw EngineError.cancelled }
        let aggregate = DatasetAggregate.scores(scores)
        let ranked = DatasetAggregate.top(
            aggregate, k: request.topK, objective: request.ranking.objective,
            key: { grid.variantKey(expanded.0[$0]) })
        var rows: [ResultRow] = []
        var tops: [RankedVariant] = []
        for (rank, index) in ranked.enumerated() {
            let variant = expanded.0[index]
            let key = grid.variantKey(variant)
            let perDataset = inputs.map { input in
                Backtester.metrics(variant.parameters, on: input.series, settings: variant.settings(input.settings))
            }
            tops.append(RankedVariant(variantIndex: index, variant: variant, variantKey: key, metrics: perDataset[0]))
            let score = aggregate[index]
            let body: JSONValue = .object([
                ("rank", .integer(rank + 1)), ("variant_key", .string(key)),
                ("params", ResultEncoding.parameters(variant, axes: grid.axes)),
                ("objective", .string(request.ranking.objective.rawValue)),
                (
                    "metrics",
                    .object([
                        ("mean", .number(score.mean)), ("median", .number(score.median)), ("min", .number(score.min)),
                    ])
                ),
                (
                    "datasets",
                    .array(
                        zip(inputs, perDataset).enumerated().map { position, pair in
                            .object([
                                ("index", .integer(position)), ("dataset_id", .string(pair.0.dataset.id)),
                                ("metrics", ResultEncoding.metrics(pair.1)),
                            ])
                        })
                ),
                (
                    "spec",
                    ResultSpec.make(
                        variant.parameters, settings: variant.settings(request.settings),
                        normalized: request.normalized, datasetID: run.datasetID)
                ),
            ])
            rows.append(ResultRow(rank: rank + 1, variantKey: key, body: JSONWriter.compact(body)))
        }
        // The aggregated heatmap: each cell the mean total return across the datasets.
        let meanReturns = (0..<expanded.0.count).map { v in
            heatmaps.reduce(0) { $0 + $1[v] } / Double(heatmaps.count)
        }
        var gridJSON = ResultEncoding.grid(
            grid, combinationIndex: expanded.1, totalReturns: meanReturns, skipped: expanded.2,
            heatmap: request.heatmap)
        if case .object(let members) = gridJSON {
            gridJSON = .object(
                members + [
                    ("heatmap_aggregate", "mean total_return_pct across datasets"), ("datasets", .array(sections)),
                ])
        }
        let best: JSONValue =
            rows.first.map { _ in
                .object([
                    ("variant_key", .string(tops[0].variantKey)),
                    ("params", ResultEncoding.parameters(tops[0].variant, axes: grid.axes)),
                    ("metrics", ResultEncoding.metrics(tops[0].metrics)),
                ])
            } ?? .null
        let completed: JSONValue = .object([
            ("status", "DONE"), ("evaluated", .integer(expanded.0.count)), ("skipped", .integer(expanded.2)),
            ("datasets", .integer(inputs.count)), ("best", best),
        ])
        return Outcome(
            rows: rows, grid: JSONWriter.compact(gridJSON), best: JSONWriter.compact(best),
            completedEvent: JSONWriter.compact(completed), evaluated: expanded.0.count, bars: allBars, top: tops,
            series: first.series, settings: first.settings)
    }
}
