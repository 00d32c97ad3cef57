import BacktestEngine

/// The `walk_forward` section of a run's results.
extension ResultEncoding {
    static func walkForward(
        _ outcome: WalkForwardOutcome, request: WalkForwardRequest, series: OHLCVSeries, axes: [ParameterGrid.Axis]
    ) -> JSONValue {
        func bounds(_ range: Range<Int>) -> JSONValue {
            .object([
                ("first_bar", .integer(range.lowerBound)), ("last_bar", .integer(range.upperBound - 1)),
                ("bars", .integer(range.count)),
                ("start", .string(TimestampParser.format(milliseconds: series.timestamps[range.lowerBound]))),
                ("end", .string(TimestampParser.format(milliseconds: series.timestamps[range.upperBound - 1]))),
            ])
        }
        let configuration = request.configuration
        let windows: [JSONValue] = outcome.windows.map { window in
            .object([
                ("index", .integer(window.window.index)), ("train", bounds(window.window.train)),
                ("test", bounds(window.window.test)), ("warmup_bars", .integer(window.warmup)),
                ("variant_key", .string(window.chosen.variantKey)),
                ("params", parameters(window.chosen.variant, axes: axes)),
                ("in_sample", metrics(window.chosen.metrics)), ("out_of_sample", metrics(window.outOfSample)),
            ])
        }
        let overall: JSONValue = .object([
            ("windows", .integer(outcome.windows.count)), ("bars", .integer(outcome.stitched.values.count)),
            ("variants_per_window", .integer(outcome.variants)),
            ("parameter_changes", .integer(outcome.parameterChanges)),
            ("in_sample_annualized_return_pct", .number(outcome.inSampleAnnualizedPct)),
            ("out_of_sample_annualized_return_pct", .number(outcome.stitched.metrics.cagrPct)),
            ("efficiency", .number(outcome.efficiency)),
            ("out_of_sample", metrics(outcome.stitched.metrics)),
        ])
        return .object([
            ("train_bars", .integer(configuration.trainBars)), ("test_bars", .integer(configuration.testBars)),
            ("step_bars", .integer(configuration.stepBars)), ("anchored", .bool(configuration.anchored)),
            ("objective", .string(request.ranking.objective.rawValue)),
            ("min_trades", .integer(request.ranking.minTrades)), ("overall", overall), ("windows", .array(windows)),
        ])
    }
}
