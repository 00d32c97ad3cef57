import BacktestEngine
import Catalog

/// The inputs of a run over several datasets (`datasets` or `symbols`).
extension DatasetStore {
    /// A stored run's request and, per entry in order, its bars and settings. `datasetIDs` is the
    /// run's `dataset_id`: the resolved ids joined by commas.
    func inputs(forStoredRequest text: String, datasetIDs: String) throws -> (
        BacktestRequest, [(dataset: DatasetRecord, series: PreparedSeries, settings: BacktestSettings)]
    ) {
        let request = try RequestParser(
            maxGridVariants: .max, requiresData: false, jsonLimits: .unlimited, maxDatasets: .max
        ).parse(Array(text.utf8))
        let ids = datasetIDs.split(separator: ",").map(String.init)
        guard let items = request.datasets, items.count == ids.count else {
            throw ServiceError(code: "internal", message: "the run's datasets do not match its request")
        }
        var inputs: [(DatasetRecord, PreparedSeries, BacktestSettings)] = []
        for (item, id) in zip(items, ids) {
            let dataset = try record(id: id, scope: .any)
            var prepared = try series(id: id)
            if item.isWindowed {
                prepared = PreparedSeries(
                    prepared.series.slice(fromMilliseconds: item.fromMilliseconds, toMilliseconds: item.toMilliseconds))
            }
            var settings = request.settings
            settings.barSeconds = Timeframe(rawValue: dataset.timeframe)?.seconds ?? prepared.series.medianStepSeconds
            inputs.append((dataset, prepared, settings))
        }
        return (request, inputs)
    }
}

extension BacktestService {
    /// Every entry of `datasets`/`symbols` resolved (404s become 422 on the entry's path), with the
    /// bars it selects.
    func resolveDatasets(_ items: [DatasetItem], _ caller: Caller) throws(ServiceError) -> [(DatasetRecord, Int)] {
        var resolved: [(DatasetRecord, Int)] = []
        for (index, item) in items.enumerated() {
            let found: DatasetRecord?
            switch item.selection {
            case .dataset(let id):
                found = try? datasets.record(id: id, scope: caller.usableDatasets)
                if found == nil {
                    throw ServiceError.validation([.init(path: "datasets.\(index)", message: "no dataset \(id)")])
                }
            case .symbol(let symbol, let timeframe):
                found = try datasets.newest(symbol: symbol, timeframe: timeframe, scope: caller.usableDatasets)
                if found == nil {
                    throw ServiceError.validation([
                        .init(path: "symbols.\(index).symbol", message: "no dataset for \(symbol) \(timeframe)")
                    ])
                }
            }
            guard let dataset = found else { throw ServiceError.internalError }
            var bars = dataset.rows
            if item.isWindowed {
                bars = try barCount(datasetID: dataset.id, from: item.fromMilliseconds, to: item.toMilliseconds)
            }
            resolved.append((dataset, bars))
        }
        return resolved
    }
}
