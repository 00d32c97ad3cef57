import BacktestEngine
import Foundation

/// Runs a request without a server or catalog: the same JSON `GET /runs/{id}/results` returns.
public enum OfflineBacktest {
    /// `top` nil means every evaluated variant.
    public static func run(
        csv: [UInt8], request body: [UInt8], timeframe: String?, top: Int?, maxGridVariants: Int = 1_000_000
    ) throws(ServiceError) -> JSONValue {
        let parsed = csv.withUnsafeBytes { bytes in Result { () throws(ServiceError) in try read(bytes) } }
        return try run(
            series: parsed.get(), request: body, timeframe: timeframe, top: top, maxGridVariants: maxGridVariants)
    }

    /// The same with the CSV parsed straight from the mapped file (never copied onto the heap).
    public static func run(
        csvPath: String, request body: [UInt8], timeframe: String?, top: Int?, maxGridVariants: Int = 1_000_000
    ) throws(ServiceError) -> JSONValue {
        let series = try MappedFile.withContents(of: csvPath) { bytes throws(ServiceError) in try read(bytes) }
        return try run(
            series: series, request: body, timeframe: timeframe, top: top, maxGridVariants: maxGridVariants)
    }

    private static func read(_ bytes: UnsafeRawBufferPointer) throws(ServiceError) -> OHLCVSeries {
        do { return try CSVSeriesReader.read(bytes) } catch {
            throw ServiceError(
                code: "validation_error", message: error.message,
                details: error.problems.map { .init(path: $0.path, message: $0.message) })
        }
    }

    private static func run(
        series parsed: OHLCVSeries, request body: [UInt8], timeframe: String?, top: Int?, maxGridVariants: Int
    ) throws(ServiceError) -> JSONValue {
        var series = parsed
        var request = try RequestParser(maxGridVariants: maxGridVariants, requiresData: false).parse(body)
        if let top { request.topK = top }
        // The offline command reads one CSV and prints the grid's results: these need the server.
        let many = request.normalized["symbols"] != nil ? "symbols" : "datasets"
        for (present, path) in [(request.walkForward != nil, "walk_forward"), (request.datasets != nil, many)]
        where present {
            throw ServiceError.validation([
                .init(path: path, message: "is not available offline; submit it to a server")
            ])
        }
        if request.isWindowed {
            series = series.slice(fromMilliseconds: request.fromMilliseconds, toMilliseconds: request.toMilliseconds)
        }
        let frame: Double
        if let timeframe {
            guard let known = Timeframe(rawValue: timeframe) else {
                throw ServiceError.validation([
                    .init(
                        path: "--timeframe",
                        message: "must be one of \(RequestParser.timeframes.joined(separator: ", "))")
                ])
            }
            frame = known.seconds
        } else {
            frame = Timeframe.infer(stepSeconds: series.medianStepSeconds)?.seconds ?? series.medianStepSeconds
        }
        var settings = request.settings
        settings.barSeconds = frame
        let prepared = PreparedSeries(series)
        let grid = request.grid
        let (variants, combinationIndex, skipped) =
            grid.axes.isEmpty
            ? ([GridVariant(parameters: request.parameters, settings: settings)], [0], 0) : grid.expand()
        if request.settings.warmupBars >= series.count {
            throw ServiceError.validation([
                .init(path: "warmup_bars", message: "must be less than the \(series.count) bars")
            ])
        }
        let largest = variants.map(\.parameters.slow).max() ?? 0
        guard largest <= series.count else {
            throw ServiceError.validation([
                .init(path: "strategy.params.slow", message: "must be at most the \(series.count) bars")
            ])
        }
        let outcome: GridOutcome
        do {
            outcome = try GridRunner(workers: ProcessInfo.processInfo.activeProcessorCount).run(
                variants, keys: { grid.variantKey($0) }, on: prepared, settings: settings, topK: top ?? variants.count,
                ranking: request.ranking)
        } catch { throw ServiceError(code: "internal", message: error.description) }
        var results: [JSONValue] = []
        for (index, ranked) in outcome.top.enumerated() {
            var validation: Validation.Report?
            if let request = request.validation {
                do {
                    validation = try Validation.run(
                        request, parameters: ranked.parameters, on: prepared, settings: ranked.settings(settings))
                } catch {
                    throw ServiceError(code: "internal", message: error.description)
                }
            }
            var row = ResultEncoding.result(
                rank: index + 1, ranked: ranked, series: series, settings: ranked.settings(settings),
                validation: validation, ranking: request.ranking, axes: grid.axes)
            if case .object(let members) = row {
                row = .object(
                    members
                        + ResultEncoding.trades(
                            of: ranked, rank: index + 1, request: request, series: prepared,
                            settings: ranked.settings(settings)))
            }
            results.append(row)
        }
        return .object([
            ("results", .array(results)),
            (
                "grid",
                ResultEncoding.grid(
                    grid, combinationIndex: combinationIndex, totalReturns: outcome.totalReturns, skipped: skipped,
                    heatmap: request.heatmap)
            ),
        ])
    }
}
