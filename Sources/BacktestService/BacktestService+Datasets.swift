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

    /// Prepares `<data dir>/uploads` for `POST /datasets` bodies, removing files an earlier process
    /// left there (a crash mid-upload); call once at start-up.
    public func prepareUploads() throws -> String {
        let directory = configuration.dataDirectory + "/uploads"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        return directory
    }

    /// Starts a streamed `POST /datasets`: the query is checked before any of the body is read.
    public func beginDatasetUpload(
        directory: String, symbol: String?, timeframe: String?, gzip: Bool, maxBytes: Int, caller: Caller = .local
    ) throws(ServiceError) -> DatasetUpload {
        guard let symbol else {
            throw ServiceError.validation([.init(path: "symbol", message: "is required (query parameter)")])
        }
        try DatasetStore.validate(symbol: symbol, timeframe: timeframe)
        return try DatasetUpload(
            directory: directory, symbol: symbol, timeframe: timeframe, gzip: gzip, maxBytes: maxBytes,
            owner: caller.owner)
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
