import BacktestEngine
import Catalog

/// Dataset documents for the API.
extension BacktestService {
    static func datasetJSON(_ record: DatasetRecord) -> JSONValue {
        .object([
            ("dataset_id", .string(record.id)), ("symbol", .string(record.symbol)),
            ("timeframe", .string(record.timeframe)),
            ("rows", .integer(record.rows)),
            ("first", .string(TimestampParser.format(milliseconds: record.firstMilliseconds))),
            ("last", .string(TimestampParser.format(milliseconds: record.lastMilliseconds))),
            ("sha256", .string(record.sha256)),
            ("created_at", .string(record.createdAt)),
        ])
    }

    /// `POST /datasets`: true in `created` for a new dataset.
    public func importDataset(csv: [UInt8], symbol: String?, timeframe: String?) throws(ServiceError) -> (
        JSONValue, created: Bool
    ) {
        guard let symbol else {
            throw ServiceError.validation([.init(path: "symbol", message: "is required (query parameter)")])
        }
        let (record, created) = try datasets.importCSV(csv, symbol: symbol, timeframe: timeframe)
        return (Self.datasetJSON(record), created)
    }

    public func listDatasets() throws(ServiceError) -> JSONValue {
        .object([("datasets", .array(try datasets.all().map(Self.datasetJSON)))])
    }

    public func dataset(id: String) throws(ServiceError) -> JSONValue {
        Self.datasetJSON(try datasets.record(id: id))
    }

    /// `GET /datasets/{id}/candles`.
    public func candles(id: String, from: Int64?, to: Int64?, limit: Int) throws(ServiceError) -> JSONValue {
        _ = try datasets.record(id: id)
        let series = try datasets.series(id: id).series.slice(fromMilliseconds: from, toMilliseconds: to)
        let count = min(limit, series.count)
        return .object([
            ("dataset_id", .string(id)), ("total", .integer(series.count)), ("limit", .integer(limit)),
            (
                "candles",
                .array(
                    (0..<count).map { t in
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
}
