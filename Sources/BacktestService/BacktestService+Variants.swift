import BacktestEngine
import Catalog
import Foundation

/// Trades and equity of one variant of a finished run, recomputed on request (never stored).
extension BacktestService {
    /// The stored request, parameters of the chosen variant (rank number or `variant_key`; rank 1
    /// by default), the bars and the settings it ran with. `dataset` picks one dataset of a run
    /// over several (its 0-based position or its id; the first by default).
    func replay(id: String, variant: String?, dataset: String? = nil, caller: Caller) throws(ServiceError) -> (
        String, DetailedRun, OHLCVSeries, BacktestSettings
    ) {
        let (run, rows) = try keptResults(id, caller: caller, what: "trades")
        let chosen: ResultRow?
        if let variant, let rank = Int(variant) {
            chosen = rows.first { $0.rank == rank }
        } else if let variant {
            chosen = rows.first { $0.variantKey == variant }
        } else {
            chosen = rows.first
        }
        guard let chosen, let params = Self.parseStored(chosen.body)["params"] else {
            throw ServiceError.notFound("variant \(variant ?? "1") of run \(id) (only the top results are kept)")
        }
        let parameters = ResultEncoding.storedParameters(params)
        let series: PreparedSeries
        var settings: BacktestSettings
        do {
            (series, settings) = try inputs(of: run, dataset: dataset)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.internalError
        }
        // The risk and execution values of the grid's axes are in `params` under their full paths.
        settings = ResultEncoding.storedVariant(params, settings: settings).settings(settings)
        return (
            chosen.variantKey, Backtester.detailed(parameters, on: series, settings: settings), series.series, settings
        )
    }

    /// The bars and settings of `run`, or of its dataset `dataset` (position or id) when it ran on several.
    func inputs(of run: RunRecord, dataset: String?) throws -> (PreparedSeries, BacktestSettings) {
        let ids = run.datasetID.split(separator: ",").map(String.init)
        var position = 0
        if let dataset {
            if let number = Int(dataset), ids.indices.contains(number) {
                position = number
            } else if let found = ids.firstIndex(of: dataset) {
                position = found
            } else {
                throw ServiceError.notFound("dataset \(dataset) of run \(run.id)")
            }
        }
        guard RunExecutor.namesSeveralDatasets(run.request) else {
            let (_, series, settings) = try datasets.inputs(forStoredRequest: run.request, datasetID: run.datasetID)
            return (series, settings)
        }
        let (_, all) = try datasets.inputs(forStoredRequest: run.request, datasetIDs: run.datasetID)
        return (all[position].series, all[position].settings)
    }

    /// A DONE run `caller` may read and its kept result rows; 409 before DONE (naming `what`).
    func keptResults(_ id: String, caller: Caller, what: String) throws(ServiceError) -> (RunRecord, [ResultRow]) {
        let run = try findRun(id, caller.readableRuns)
        guard run.status == .done else {
            throw ServiceError(
                code: "conflict", message: "run \(id) is \(run.status.rawValue); \(what) exist once it is DONE")
        }
        do { return (run, try catalog.results(runID: id, limit: 1000)) } catch { throw ServiceError.internalError }
    }

    /// `GET /runs/{id}/trades`.
    public func trades(
        id: String, variant: String?, dataset: String? = nil, limit: Int, offset: Int, from: Int64?, to: Int64?,
        caller: Caller = .local
    )
        throws(ServiceError)
        -> JSONValue
    {
        let (key, detailed, series, _) = try replay(id: id, variant: variant, dataset: dataset, caller: caller)
        let selected = detailed.trades.filter { trade in
            let time = series.timestamps[trade.entryBar]
            return (from.map { time >= $0 } ?? true) && (to.map { time <= $0 } ?? true)
        }
        let page = selected.dropFirst(offset).prefix(limit)
        return .object([
            ("run_id", .string(id)), ("variant_key", .string(key)), ("total", .integer(selected.count)),
            ("limit", .integer(limit)), ("offset", .integer(offset)),
            ("trades", .array(page.map { Self.tradeDocument($0, series: series) })),
        ])
    }

    /// One trade as the API (and `trades.csv`) shows it.
    static func tradeDocument(_ trade: TradeRecord, series: OHLCVSeries) -> JSONValue {
        func time(_ bar: Int?) -> JSONValue {
            bar.map { .string(TimestampParser.format(milliseconds: series.timestamps[$0])) } ?? .null
        }
        return .object([
            ("side", .string(trade.side.rawValue)), ("entry_time", time(trade.entryBar)),
            ("entry_price", .number(trade.entryPrice)), ("exit_time", time(trade.exitBar)),
            ("exit_price", .number(trade.exitPrice)), ("size", .number(trade.size)), ("pnl", .number(trade.pnl)),
            ("pnl_pct", .number(100 * trade.returnFraction)), ("fees", .number(trade.fees)),
            ("borrow", .number(trade.borrow)), ("exit_reason", .string(trade.exitReason.rawValue)),
        ])
    }

    /// Per measured bar (bar `detailed.firstBar + i`): portfolio value, drawdown in percent, and
    /// buy-and-hold of the initial cash from the first measured bar.
    static func equityCurves(_ detailed: DetailedRun, series: OHLCVSeries, settings: BacktestSettings) -> (
        equity: [Double], drawdownPct: [Double], benchmark: [Double]
    ) {
        let measured = series.close.dropFirst(detailed.firstBar)
        let first = measured.first ?? 1
        return (
            detailed.equity, detailed.drawdown.map { 100 * $0 },
            measured.map { settings.execution.initialCash * $0 / first }
        )
    }

    /// `GET /runs/{id}/equity`, downsampled to at most `maxPoints`.
    public func equity(
        id: String, variant: String?, dataset: String? = nil, maxPoints: Int, caller: Caller = .local
    ) throws(ServiceError) -> JSONValue {
        if variant == "oos" { return try walkForwardEquity(id: id, maxPoints: maxPoints, caller: caller) }
        let (key, detailed, series, settings) = try replay(
            id: id, variant: variant, dataset: dataset, caller: caller)
        let curves = Self.equityCurves(detailed, series: series, settings: settings)
        let keep = Downsampler.indices(
            count: detailed.equity.count, maxPoints: maxPoints, series: [curves.equity, curves.drawdownPct])
        return .object([
            ("run_id", .string(id)), ("variant_key", .string(key)), ("points", .integer(keep.count)),
            (
                "t",
                .array(
                    keep.map {
                        .string(TimestampParser.format(milliseconds: series.timestamps[$0 + detailed.firstBar]))
                    })
            ),
            ("equity", .array(keep.map { .number(curves.equity[$0]) })),
            ("drawdown", .array(keep.map { .number(curves.drawdownPct[$0]) })),
            ("benchmark", .array(keep.map { .number(curves.benchmark[$0]) })),
        ])
    }
}

/// Picks at most `maxPoints` indices: always the first and the last, and in each bucket the
/// extremes (min and max) of every given series, in time order.
enum Downsampler {
    static func indices(count: Int, maxPoints: Int, series: [[Double]]) -> [Int] {
        guard count > maxPoints, maxPoints >= 2 else { return Array(0..<count) }
        let perBucket = max(1, 2 * series.count)
        let buckets = (maxPoints - 2) / perBucket
        guard buckets > 0 else {
            // Too few points for extremes: spread them evenly, first and last included.
            return (0..<maxPoints).map { $0 * (count - 1) / (maxPoints - 1) }
        }
        var chosen = Set([0, count - 1])
        let inner = count - 2
        for bucket in 0..<buckets {
            let lower = 1 + inner * bucket / buckets
            let upper = 1 + inner * (bucket + 1) / buckets
            guard lower < upper else { continue }
            for values in series {
                var low = lower
                var high = lower
                for index in lower..<upper {
                    if values[index] < values[low] { low = index }
                    if values[index] > values[high] { high = index }
                }
                chosen.insert(low)
                chosen.insert(high)
            }
        }
        return chosen.sorted()
    }
}
