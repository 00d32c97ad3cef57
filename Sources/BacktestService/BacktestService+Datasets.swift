import BacktestEngine
import Catalog
import Foundation

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

    /// Removes `<data dir>/uploads`, where earlier versions spooled `POST /datasets` bodies (files
    /// a crash mid-upload left there); bodies are parsed as they arrive now. Call once at start-up.
    public func removeStaleUploads() {
        let directory = configuration.dataDirectory + "/uploads"
        guard FileManager.default.fileExists(atPath: directory) else { return }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a streamed `POST /datasets`: the query is checked before any of the body is read.
    public func beginDatasetUpload(
        symbol: String?, timeframe: String?, gzip: Bool, maxBytes: Int, caller: Caller = .local
    ) throws(ServiceError) -> DatasetUpload {
        guard let symbol else {
            throw ServiceError.validation([.init(path: "symbol", message: "is required (query parameter)")])
        }
        try DatasetStore.validate(symbol: symbol, timeframe: timeframe)
        return DatasetUpload(symbol: symbol, timeframe: timeframe, gzip: gzip, maxBytes: maxBytes, owner: caller.owner)
    }

    /// Ends a streamed `POST /datasets`: parses and stores what was received.
    public func finishDatasetUpload(_ upload: DatasetUpload) throws(ServiceError) -> (JSONValue, created: Bool) {
        let (record, created) = try datasets.importUpload(upload)
        return (Self.datasetJSON(record), created)
    }

    public func listDatasets(caller: Caller = .local) throws(ServiceError) -> JSONValue {
        .object([("datasets", .array(try datasets.all(scope: caller.readableDatasets).map(Self.datasetJSON)))])
    }

    public func dataset(id: String, caller: Caller = .local) throws(ServiceError) -> JSONValue {
        Self.datasetJSON(try datasets.record(id: id, scope: caller.readableDatasets))
    }
}
