import BacktestEngine

/// The data selection and the grid of a `POST /backtests` body: the parts whose numbers decide
/// how much work a request asks for, read with checked counts.
extension RequestParser {
    struct DataPart {
        var selection: BacktestRequest.DataSelection?
        var fromMilliseconds: Int64?
        var toMilliseconds: Int64?
        var json: [(String, JSONValue)] = []
        var isWindowed: Bool { fromMilliseconds != nil || toMilliseconds != nil }
    }

    /// `dataset_id`, or `symbol` + `timeframe`; `from`/`to` narrow either. With `symbol` both are in
    /// the normalized request (null when absent); with `dataset_id` only when one is given.
    func readData(_ root: inout ObjectReader) -> DataPart {
        let datasetID = root.string("dataset_id")
        let symbol = root.string("symbol")
        let timeframe = root.string("timeframe")
        let from = root.string("from")
        let to = root.string("to")
        func time(_ key: String, _ text: String?) -> Int64? {
            guard let text else { return nil }
            guard let value = TimestampParser.parseRFC3339(Array(text.utf8)) else {
                root.fail(key, "must be an RFC 3339 date-time")
                return nil
            }
            return value
        }
        var part = DataPart(fromMilliseconds: time("from", from), toMilliseconds: time("to", to))
        if let fromMs = part.fromMilliseconds, let toMs = part.toMilliseconds, fromMs > toMs {
            root.fail("to", "must not be before from")
        }
        if let timeframe, !Self.timeframes.contains(timeframe) {
            root.fail("timeframe", "must be one of \(Self.timeframes.joined(separator: ", "))")
        }
        let window: [(String, JSONValue)] = [
            ("from", part.fromMilliseconds.map { .string(TimestampParser.format(milliseconds: $0)) } ?? .null),
            ("to", part.toMilliseconds.map { .string(TimestampParser.format(milliseconds: $0)) } ?? .null),
        ]
        if let datasetID {
            if symbol != nil || timeframe != nil {
                root.fail("dataset_id", "give dataset_id or symbol and timeframe, not both")
            }
            part.selection = .dataset(id: datasetID)
            // Without a window the form stays what it was before windows applied to dataset ids, so
            // the input hashes of runs stored then still match their retries.
            part.json = [("dataset_id", .string(datasetID))] + (part.isWindowed ? window : [])
            return part
        }
        if let symbol, let timeframe {
            part.selection = .symbol(symbol, timeframe: timeframe)
            part.json = [("symbol", .string(symbol)), ("timeframe", .string(timeframe))] + window
            return part
        }
        if symbol != nil { root.fail("timeframe", "is required with symbol") }
        if timeframe != nil { root.fail("symbol", "is required with timeframe") }
        if requiresData && symbol == nil && timeframe == nil {
            root.fail("dataset_id", "give dataset_id or symbol and timeframe")
        }
        return part
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
                problems.append(.init(path: path, message: "extra fields forbidden"))
                continue
            }
            var reader = ObjectReader(spec, path: path, problems: &problems)
            var values: [Double] = []
            let list = reader.raw("values")
            let range = reader.raw("range")
            if list != nil && range != nil {
                reader.fail("values", "give values or range, not both")
            } else if let list {
                if let array = list.array, !array.isEmpty, array.count <= Self.maxAxisValues,
                    array.allSatisfy({ $0.number != nil })
                {
                    values = array.compactMap(\.number)
                } else {
                    reader.fail("values", "must be a non-empty array of at most \(Self.maxAxisValues) numbers")
                }
            } else if let range {
                var bounds = ObjectReader(range, path: "\(path).range", problems: &problems)
                let start = bounds.number("start", default: .nan, -1e12...1e12)
                let stop = bounds.number("stop", default: .nan, -1e12...1e12)
                let step = bounds.number("step", default: .nan, 0...1e12, open: true)
                for key in ["start", "stop", "step"] where bounds.raw(key) == nil { bounds.fail(key, "is required") }
                if !start.isNaN, !stop.isNaN, !step.isNaN {
                    if stop < start {
                        bounds.fail("stop", "must not be below start")
                    } else if let count = ParameterGrid.rangeCount(start: start, stop: stop, step: step),
                        count <= Self.maxAxisValues
                    {
                        values = ParameterGrid.rangeValues(
                            start: start, stop: stop, step: step, limit: Self.maxAxisValues)
                    } else {
                        bounds.fail("step", "gives more than \(Self.maxAxisValues) values")
                    }
                }
                bounds.finish(into: &problems)
            } else {
                reader.fail("values", "give values or range")
            }
            let valuesPath = range != nil ? "\(path).range" : "\(path).values"
            if parameter.isIntegerParameter, values.contains(where: { $0 != $0.rounded() }) {
                problems.append(.init(path: valuesPath, message: "must be integers"))
            } else if let bad = values.first(where: { !parameter.accepts($0) }) {
                problems.append(
                    .init(path: valuesPath, message: "\(ParameterGrid.format(bad)) is out of range for \(name)"))
            } else if !values.isEmpty {
                axes.append(.init(parameter: parameter, values: Array(Set(values)).sorted()))
            }
            reader.finish(into: &problems)
        }
        return axes
    }
}

extension GridParameter {
    var isIntegerParameter: Bool { self != .thresholdBp }

    func accepts(_ value: Double) -> Bool {
        switch self {
        case .fast: value >= 1 && value <= 1_000_000
        case .slow: value >= 2 && value <= 1_000_000
        case .delayBars: value >= 0 && value <= 100_000
        case .thresholdBp: value >= 0 && value <= 10_000
        }
    }
}
