import BacktestEngine

/// The grid of a `POST /backtests` body and its heatmap: the parts whose numbers decide how much
/// work a request asks for, read with checked counts.
extension RequestParser {
    /// The product of the axes' value counts, exact; nil past 2^128 (nine axes of at most
    /// `maxAxisValues` values can pass it), which is past any limit.
    static func exactCombinations(_ axes: [ParameterGrid.Axis]) -> UInt128? {
        var product = UInt128(1)
        for axis in axes {
            let (result, overflow) = product.multipliedReportingOverflow(by: UInt128(axis.values.count))
            if overflow { return nil }
            product = result
        }
        return product
    }

    /// The problem of a grid over the limit or without a valid combination, if any.
    func gridProblem(_ axes: [ParameterGrid.Axis], base: DualSMAParameters) -> ServiceError.Detail? {
        guard !axes.isEmpty else { return nil }
        guard let combinations = Self.exactCombinations(axes), combinations <= UInt128(maxGridVariants) else {
            let count = Self.exactCombinations(axes).map { "\($0)" } ?? "more than 2^128"
            return .init(path: "grid", message: "has \(count) combinations, more than the limit of \(maxGridVariants)")
        }
        if ParameterGrid(base: base, axes: axes).validCount == 0 {
            return .init(path: "grid", message: "no combination satisfies fast < slow")
        }
        return nil
    }

    func readGrid(_ value: JSONValue?, problems: inout [ServiceError.Detail]) -> [ParameterGrid.Axis] {
        guard let value else { return [] }
        guard let members = value.objectMembers else {
            problems.append(.init(path: "grid", message: "must be an object"))
            return []
        }
        var axes: [ParameterGrid.Axis] = []
        for (name, spec) in members {
            let path = "grid.\(name)"
            guard let parameter = GridParameter(rawValue: name) else {
                problems.append(
                    .init(
                        path: path,
                        message:
                            "extra fields forbidden (grid axes: \(GridParameter.allCases.sorted().map(\.rawValue).joined(separator: ", ")))"
                    ))
                continue
            }
            var reader = ObjectReader(spec, path: path, problems: &problems)
            var values: [Double] = []
            var hasNull = false
            let list = reader.raw("values")
            let range = reader.raw("range")
            if list != nil && range != nil {
                reader.fail("values", "give values or range, not both")
            } else if let list {
                if let array = list.array, !array.isEmpty, array.count <= Self.maxAxisValues,
                    array.allSatisfy({ $0.number != nil || $0.isNull })
                {
                    values = array.compactMap(\.number)
                    hasNull = array.contains { $0.isNull }
                    if hasNull && !parameter.allowsNull {
                        reader.fail("values", "null is allowed only for risk.stop_loss_pct and risk.take_profit_pct")
                        values = []
                        hasNull = false
                    }
                } else {
                    reader.fail(
                        "values",
                        "must be a non-empty array of at most \(Self.maxAxisValues) numbers"
                            + (parameter.allowsNull ? " or null" : ""))
                }
            } else if let range {
                values = readRange(range, path: path, problems: &problems)
            } else {
                reader.fail("values", "give values or range")
            }
            let valuesPath = range != nil ? "\(path).range" : "\(path).values"
            if parameter.isIntegerParameter, values.contains(where: { $0 != $0.rounded() }) {
                problems.append(.init(path: valuesPath, message: "must be integers"))
            } else if let bad = values.first(where: { !parameter.accepts($0) }) {
                problems.append(
                    .init(
                        path: valuesPath,
                        message: "\(ParameterGrid.format(bad)) is out of range for \(name) (\(parameter.rangeText))"))
            } else if !values.isEmpty || hasNull {
                // Distinct values in ascending order; a disabled stop (null, NaN in the engine) first.
                axes.append(.init(parameter: parameter, values: (hasNull ? [.nan] : []) + Array(Set(values)).sorted()))
            }
            reader.finish(into: &problems)
        }
        return axes
    }

    private func readRange(_ range: JSONValue, path: String, problems: inout [ServiceError.Detail]) -> [Double] {
        var bounds = ObjectReader(range, path: "\(path).range", problems: &problems)
        defer { bounds.finish(into: &problems) }
        let start = bounds.number("start", default: .nan, -1e12...1e12)
        let stop = bounds.number("stop", default: .nan, -1e12...1e12)
        let step = bounds.number("step", default: .nan, 0...1e12, open: true)
        for key in ["start", "stop", "step"] where bounds.raw(key) == nil { bounds.fail(key, "is required") }
        guard !start.isNaN, !stop.isNaN, !step.isNaN else { return [] }
        if stop < start {
            bounds.fail("stop", "must not be below start")
            return []
        }
        guard let count = ParameterGrid.rangeCount(start: start, stop: stop, step: step), count <= Self.maxAxisValues
        else {
            bounds.fail("step", "gives more than \(Self.maxAxisValues) values")
            return []
        }
        return ParameterGrid.rangeValues(start: start, stop: stop, step: step, limit: Self.maxAxisValues)
    }

    /// The grid in normalized form (a disabled stop as null).
    static func gridJSON(_ axes: [ParameterGrid.Axis]) -> JSONValue {
        .object(
            axes.map { axis in
                (
                    axis.parameter.rawValue,
                    .object([("values", .array(axis.values.map { $0.isNaN ? .null : .number($0) }))])
                )
            })
    }

    /// Which two axes the heatmap shows when the request does not say: the two axes of a
    /// two-axis grid, else fast × slow when both are axes, else none.
    static func defaultHeatmap(_ axes: [ParameterGrid.Axis]) -> HeatmapAxes? {
        if axes.count == 2 { return HeatmapAxes(x: axes[0].parameter, y: axes[1].parameter) }
        let names = Set(axes.map(\.parameter))
        return names.contains(.fast) && names.contains(.slow) ? HeatmapAxes(x: .fast, y: .slow) : nil
    }

    /// `heatmap: {"x", "y"}`: two different axes of the grid.
    func readHeatmap(_ value: JSONValue?, axes: [ParameterGrid.Axis], problems: inout [ServiceError.Detail])
        -> HeatmapAxes?
    {
        guard let value else { return Self.defaultHeatmap(axes) }
        var reader = ObjectReader(value, path: "heatmap", problems: &problems)
        defer { reader.finish(into: &problems) }
        let names = axes.map(\.parameter.rawValue)
        func axis(_ key: String) -> GridParameter? {
            guard let text = reader.string(key) else {
                if reader.problems.allSatisfy({ $0.path != reader.child(key) }) { reader.fail(key, "is required") }
                return nil
            }
            guard let parameter = GridParameter(rawValue: text), names.contains(text) else {
                reader.fail(
                    key,
                    names.isEmpty
                        ? "needs a grid" : "must name an axis of the grid (\(names.joined(separator: ", ")))")
                return nil
            }
            return parameter
        }
        let x = axis("x")
        let y = axis("y")
        guard let x, let y else { return nil }
        if x == y {
            reader.fail("y", "must differ from x")
            return nil
        }
        return HeatmapAxes(x: x, y: y)
    }
}

/// The two grid axes of the heatmap: `x` names its rows, `y` its columns.
public struct HeatmapAxes: Sendable, Equatable {
    public var x: GridParameter
    public var y: GridParameter
}

extension GridParameter {
    var isIntegerParameter: Bool { self == .fast || self == .slow || self == .delayBars }

    /// The same bounds as the single-run fields: open below for stops and the fraction.
    func accepts(_ value: Double) -> Bool {
        switch self {
        case .fast: value >= 1 && value <= 1_000_000
        case .slow: value >= 2 && value <= 1_000_000
        case .delayBars: value >= 0 && value <= 100_000
        case .thresholdBp: value >= 0 && value <= 10_000
        case .feeBps, .slippageBps: value >= 0 && value <= 1000
        case .fraction: value > 0 && value <= 100
        case .stopLossPct: value > 0 && value <= 100
        case .takeProfitPct: value > 0 && value <= 1e6
        }
    }

    var rangeText: String {
        switch self {
        case .fast: "1 to 1000000"
        case .slow: "2 to 1000000"
        case .delayBars: "0 to 100000"
        case .thresholdBp: "0 to 10000"
        case .feeBps, .slippageBps: "0 to 1000"
        case .fraction, .stopLossPct: "above 0, at most 100"
        case .takeProfitPct: "above 0, at most 1000000"
        }
    }
}
