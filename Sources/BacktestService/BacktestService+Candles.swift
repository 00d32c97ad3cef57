import BacktestEngine
import Catalog

extension BacktestService {
    /// `GET /datasets/{id}/candles`: reads only the bars it returns (see `StoredBarsWindow`).
    public func candles(id: String, from: Int64?, to: Int64?, limit: Int, caller: Caller = .local)
        throws(ServiceError) -> JSONValue
    {
        _ = try datasets.record(id: id, scope: caller.readableDatasets)
        let window: (total: Int, bars: OHLCVSeries)?
        do {
            window = try catalog.withDatasetBars(id: id) { reader in
                guard let stored = try StoredBarsWindow(reader) else { throw DamagedBlob() }
                let selected = try stored.indices(from: from, to: to)
                let shown = selected.lowerBound..<selected.lowerBound + min(limit, selected.count)
                return (selected.count, try stored.bars(shown))
            }
        } catch {
            logger.error("dataset bars unreadable", metadata: ["dataset_id": .string(id), "error": "\(error)"])
            throw ServiceError.internalError
        }
        guard let (total, series) = window else { throw ServiceError.notFound("dataset \(id)") }
        return .object([
            ("dataset_id", .string(id)), ("total", .integer(total)), ("limit", .integer(limit)),
            (
                "candles",
                .array(
                    (0..<series.count).map { t in
                        .object([
                            ("t", .string(TimestampParser.format(milliseconds: series.timestamps[t]))),
                            ("open", .number(series.open[t])),
                            ("high", .number(series.high[t])), ("low", .number(series.low[t])),
                            ("close", .number(series.close[t])),
                            ("volume", .number(series.volume[t])),
                        ])
                    })
            ),
        ])
    }

    /// How many bars of a dataset lie in `from…to`, from the blob's timestamps alone.
    func barCount(datasetID: String, from: Int64?, to: Int64?) throws(ServiceError) -> Int {
        let counted: Int?
        do {
            counted = try catalog.withDatasetBars(id: datasetID) { reader in
                guard let stored = try StoredBarsWindow(reader) else { throw DamagedBlob() }
                return try stored.indices(from: from, to: to).count
            }
        } catch {
            throw ServiceError.internalError
        }
        guard let counted else { throw ServiceError.notFound("dataset \(datasetID)") }
        return counted
    }
}
