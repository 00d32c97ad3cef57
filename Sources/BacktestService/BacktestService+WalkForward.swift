import BacktestEngine
import Catalog

/// Walk-forward runs: the data-dependent checks at submission and the stitched out-of-sample
/// curve (`GET /runs/{id}/equity?variant=oos`), replayed from the stored choices.
extension BacktestService {
    /// The windows must fit the selected bars (at least one whole train + test window, at most
    /// `WalkForwardConfiguration.maxWindows`); problems name `walk_forward.<field>`.
    static func checkWalkForward(_ request: BacktestRequest, bars: Int) throws(ServiceError) {
        guard let walkForward = request.walkForward else { return }
        if request.settings.warmupBars >= walkForward.configuration.trainBars {
            throw ServiceError.validation([
                .init(
                    path: "walk_forward.train_bars",
                    message:
                        "must be more than warmup_bars (\(request.settings.warmupBars)): each train slice is measured after it"
                )
            ])
        }
        if case .failure(let error) = walkForward.configuration.windows(bars: bars) {
            throw ServiceError.validation(
                error.problems.map { .init(path: "walk_forward.\($0.path)", message: $0.message) })
        }
    }

    /// The stitched out-of-sample curve of a walk-forward run: each window's chosen parameters
    /// (as stored in its results) run again on the test slice, laid end to end.
    func walkForwardEquity(id: String, maxPoints: Int, caller: Caller) throws(ServiceError) -> JSONValue {
        let (run, _) = try keptResults(id, caller: caller, what: "the out-of-sample curve")
        let request: BacktestRequest
        let series: PreparedSeries
        let settings: BacktestSettings
        do {
            (request, series, settings) = try datasets.inputs(forStoredRequest: run.request, datasetID: run.datasetID)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.internalError
        }
        guard let walkForward = request.walkForward,
            let stored = Self.parseStored(run.grid)["walk_forward"]?["windows"]?.array,
            case .success(let windows) = walkForward.configuration.windows(bars: series.count),
            windows.count == stored.count
        else {
            throw ServiceError.notFound("the out-of-sample curve of run \(id) (it is not a walk-forward run)")
        }
        let choices = zip(windows, stored).map { window, document in
            (window, ResultEncoding.storedVariant(document["params"] ?? .null, settings: settings))
        }
        let curve = WalkForward.stitch(choices, on: series, settings: settings)
        var peak = -Double.infinity
        let drawdown = curve.values.map { value in
            peak = max(peak, value)
            return peak > 0 ? 100 * (1 - value / peak) : 0
        }
        let firstClose = curve.bars.first.map { series.series.close[$0] } ?? 1
        let benchmark = curve.bars.map { settings.execution.initialCash * series.series.close[$0] / firstClose }
        let keep = Downsampler.indices(
            count: curve.values.count, maxPoints: maxPoints, series: [curve.values, drawdown])
        return .object([
            ("run_id", .string(id)), ("variant_key", "oos"), ("points", .integer(keep.count)),
            (
                "t",
                .array(
                    keep.map { .string(TimestampParser.format(milliseconds: series.series.timestamps[curve.bars[$0]])) }
                )
            ),
            ("equity", .array(keep.map { .number(curve.values[$0]) })),
            ("drawdown", .array(keep.map { .number(drawdown[$0]) })),
            ("benchmark", .array(keep.map { .number(benchmark[$0]) })),
        ])
    }
}
