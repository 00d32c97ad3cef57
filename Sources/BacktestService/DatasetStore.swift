import BacktestEngine
import Catalog
import Foundation
import Synchronization

/// Imports CSV into the catalog and loads bars back, keeping the few most recent in memory.
public final class DatasetStore: Sendable {
    private let catalog: Catalog
    private let cache = Mutex<[(String, PreparedSeries)]>([])
    /// Prepared series kept for the next run: at most four, and at most this many bars in all
    /// (a prepared bar holds about 100 bytes, so 8 M bars ≈ 800 MB); the newest is always kept.
    private static let cacheSize = 4
    private static let cacheBars = 8_000_000

    /// Runs the parallel coding of stored bars (the service's engine threads; see `BarBlocks.encode`).
    private let executor: any ParallelExecutor

    init(catalog: Catalog, executor: any ParallelExecutor) {
        self.executor = executor
        self.catalog = catalog
    }

    /// Parses and stores a CSV; the same bytes under the same symbol and timeframe again return the
    /// stored dataset (`created` false). Nothing is stored when any row is bad.
    public func importCSV(_ bytes: [UInt8], symbol: String, timeframe: String?, owner: String = Caller.local.owner)
        throws(ServiceError) -> (DatasetRecord, created: Bool)
    {
        try Self.validate(symbol: symbol, timeframe: timeframe)
        return try store(
            SeriesParts([try Self.parse(bytes)]), symbol: symbol, timeframe: timeframe,
            sha256: InputHash.sha256Hex(bytes),
            owner: owner)
    }

    /// Stores a received upload, parsed while it arrived.
    public func importUpload(_ upload: DatasetUpload) throws(ServiceError) -> (DatasetRecord, created: Bool) {
        let (sha256, parsed) = try upload.finish()
        if let timeframe = upload.timeframe {
            // Sent before: the stored record answers.
            let existing: DatasetRecord?
            do {
                existing = try catalog.dataset(
                    owner: upload.owner, sha256: sha256, symbol: upload.symbol, timeframe: timeframe)
            } catch { throw ServiceError.internalError }
            if let existing { return (existing, false) }
        }
        let series: SeriesParts
        switch parsed {
        case .success(let parsed): series = parsed
        case .failure(let error): throw Self.refusal(error)
        }
        return try store(
            series, symbol: upload.symbol, timeframe: upload.timeframe, sha256: sha256, owner: upload.owner)
    }

    /// Checks the query of an import before any of its body is read.
    static func validate(symbol: String, timeframe: String?) throws(ServiceError) {
        var problems: [ServiceError.Detail] = []
        if symbol.isEmpty || symbol.count > 32 || !symbol.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 47 }) {
            problems.append(.init(path: "symbol", message: "must be 1 to 32 visible ASCII characters without '/'"))
        }
        if let timeframe, Timeframe(rawValue: timeframe) == nil {
            problems.append(
                .init(path: "timeframe", message: "must be one of \(RequestParser.timeframes.joined(separator: ", "))"))
        }
        guard problems.isEmpty else { throw ServiceError.validation(problems) }
    }

    private static func parse(_ bytes: [UInt8]) throws(ServiceError) -> OHLCVSeries {
        let parsed = bytes.withUnsafeBytes { buffer in Result { () throws(ServiceError) in try parse(buffer) } }
        return try parsed.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(ServiceError) -> OHLCVSeries {
        do { return try CSVSeriesReader.read(bytes) } catch { throw refusal(error) }
    }

    /// The 422 naming the CSV's problems.
    static func refusal(_ error: EngineError) -> ServiceError {
        ServiceError(
            code: "validation_error", message: error.message,
            details: error.problems.map { .init(path: $0.path, message: $0.message) })
    }

    /// Takes `series` over so its columns can go once encoded: the bars are in memory once, not twice,
    /// while the catalog writes them.
    private func store(
        _ series: consuming SeriesParts, symbol: String, timeframe: String?, sha256: String, owner: String
    ) throws(ServiceError) -> (DatasetRecord, created: Bool) {
        guard let resolved = timeframe ?? Timeframe.infer(stepSeconds: series.medianStepSeconds)?.rawValue else {
            throw ServiceError.validation([
                .init(path: "timeframe", message: "is required: it cannot be inferred from the timestamps")
            ])
        }
        let record = DatasetRecord(
            id: Self.datasetID(owner: owner, symbol: symbol, timeframe: resolved, sha256: sha256), owner: owner,
            symbol: symbol, timeframe: resolved, rows: series.count,
            firstMilliseconds: series.firstTimestamp ?? 0, lastMilliseconds: series.lastTimestamp ?? 0,
            sha256: sha256, createdAt: Identifiers.now())
        let bars = BarsCodec.encode(series, executor: executor)
        _ = consume series
        do { return try catalog.insertDataset(record, bars: bars) } catch {
            throw ServiceError.catalogRefused(error, "the dataset")
        }
    }

    /// A dataset's id follows from what makes it one dataset (its owner, symbol, timeframe and
    /// content): the same data imported into any catalog, on any node, has the same id, so a
    /// result's `spec` (which names it) is the same bytes everywhere.
    static func datasetID(owner: String, symbol: String, timeframe: String, sha256: String) -> String {
        let identity = [owner, symbol, timeframe, sha256].joined(separator: "\u{0}")
        return "ds_" + InputHash.sha256Hex(Array(identity.utf8)).prefix(32)
    }

    /// Imports `SYMBOL_TIMEFRAME.csv` files of a folder (the shipped samples): the files imported
    /// (or found already stored) and those skipped, each with why.
    func importSamples(from directory: String) -> (imported: [String], failed: [(String, String)]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return ([], [(directory, "the folder cannot be read")])
        }
        var imported: [String] = []
        var failures: [(String, String)] = []
        for name in names.sorted() where name.hasSuffix(".csv") {
            let stem = name.dropLast(4)
            guard let underscore = stem.lastIndex(of: "_") else {
                failures.append((name, "the name is not SYMBOL_TIMEFRAME.csv"))
                continue
            }
            let symbol = String(stem[..<underscore])
            let timeframe = String(stem[stem.index(after: underscore)...])
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                failures.append((name, "the file cannot be read"))
                continue
            }
            do {
                _ = try importCSV([UInt8](data), symbol: symbol, timeframe: timeframe, owner: Caller.publicOwner)
                imported.append(name)
            } catch {
                failures.append((name, error.message))
            }
        }
        return (imported, failures)
    }

    func record(id: String, scope: OwnerScope) throws(ServiceError) -> DatasetRecord {
        let found: DatasetRecord?
        do { found = try catalog.dataset(id: id, scope: scope) } catch { throw ServiceError.internalError }
        guard let found else { throw ServiceError.notFound("dataset \(id)") }
        return found
    }

    func newest(symbol: String, timeframe: String, scope: OwnerScope) throws(ServiceError) -> DatasetRecord? {
        do { return try catalog.newestDataset(scope: scope, symbol: symbol, timeframe: timeframe) } catch {
            throw ServiceError.internalError
        }
    }

    func all(scope: OwnerScope) throws(ServiceError) -> [DatasetRecord] {
        do { return try catalog.datasets(scope: scope) } catch { throw ServiceError.internalError }
    }

    /// What a stored run needs to run again: its parsed request, the bars it selected and the
    /// settings with the bar period of its dataset.
    func inputs(forStoredRequest text: String, datasetID: String) throws -> (
        BacktestRequest, PreparedSeries, BacktestSettings
    ) {
        let request = try RequestParser(
            maxGridVariants: .max, requiresData: false, jsonLimits: .unlimited, maxDatasets: .max
        ).parse(
            Array(text.utf8))
        // Checked when the run was accepted; the run itself is only ever reached by its owner.
        let dataset = try record(id: datasetID, scope: .any)
        var prepared = try series(id: datasetID)
        if request.isWindowed {
            prepared = PreparedSeries(
                prepared.series.slice(
                    fromMilliseconds: request.fromMilliseconds, toMilliseconds: request.toMilliseconds))
        }
        var settings = request.settings
        settings.barSeconds = Timeframe(rawValue: dataset.timeframe)?.seconds ?? prepared.series.medianStepSeconds
        return (request, prepared, settings)
    }

    /// The bars of a dataset, prepared for the engine.
    func series(id: String) throws(ServiceError) -> PreparedSeries {
        if let hit = cache.withLock({ $0.first { $0.0 == id }?.1 }) { return hit }
        let blob: [UInt8]?
        do { blob = try catalog.datasetBars(id: id) } catch { throw ServiceError.internalError }
        guard let blob, let series = BarsCodec.decode(blob, executor: executor) else {
            throw ServiceError.notFound("dataset \(id)")
        }
        let prepared = PreparedSeries(series)
        cache.withLock { entries in
            entries.insert((id, prepared), at: 0)
            var bars = 0
            entries = entries.enumerated().prefix { index, entry in
                bars = bars.saturatingAdding(entry.1.count)
                return index == 0 || (index < Self.cacheSize && bars <= Self.cacheBars)
            }.map(\.element)
        }
        return prepared
    }
}
