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
}
