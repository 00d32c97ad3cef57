import BacktestEngine

/// Several datasets in one run: every variant runs on every one.
public struct DatasetItem: Sendable, Equatable {
    public var selection: BacktestRequest.DataSelection
    /// Inclusive bounds in epoch milliseconds (nil: unbounded).
    public var fromMilliseconds: Int64?
    public var toMilliseconds: Int64?
    public var isWindowed: Bool { fromMilliseconds != nil || toMilliseconds != nil }
}

extension RequestParser {
    /// `datasets: ["ds_…", …]` or `symbols: [{"symbol", "timeframe", "from", "to"}, …]` — instead of
    /// a single selection, 1 to `maxDatasets` of them, in order; nil when neither is given. The
    /// normalized form lists them as given (`from`/`to` null when absent).
    func readDatasets(_ root: inout ObjectReader, problems: inout [ServiceError.Detail]) -> (
        [DatasetItem]?, [(String, JSONValue)]
    ) {
        let ids = root.raw("datasets")
        let symbols = root.raw("symbols")
        guard ids != nil || symbols != nil else { return (nil, []) }
        if ids != nil && symbols != nil {
            root.fail("datasets", "give datasets or symbols, not both")
            return (nil, [])
        }
        let key = ids != nil ? "datasets" : "symbols"
        guard let array = (ids ?? symbols)?.array, !array.isEmpty, array.count <= maxDatasets else {
            root.fail(key, "must be an array of 1 to \(maxDatasets) \(key == "datasets" ? "dataset ids" : "objects")")
            return (nil, [])
        }
        for single in ["dataset_id", "symbol", "timeframe", "from", "to"] where root.raw(single) != nil {
            root.fail(single, "not with \(key) (each entry selects its own data)")
        }
        var items: [DatasetItem] = []
        var json: [JSONValue] = []
        let before = problems.count
        for (index, element) in array.enumerated() {
            let path = "\(key).\(index)"
            if key == "datasets" {
                guard let id = element.string, !id.isEmpty else {
                    problems.append(.init(path: path, message: "must be a dataset id"))
                    continue
                }
                if items.contains(where: { $0.selection == .dataset(id: id) }) {
                    problems.append(.init(path: path, message: "repeats \(id)"))
                    continue
                }
                items.append(DatasetItem(selection: .dataset(id: id)))
                json.append(.string(id))
                continue
            }
            var entry = ObjectReader(element, path: path, problems: &problems)
            let symbol = entry.string("symbol")
            let timeframe = entry.string("timeframe")
            if symbol == nil { entry.fail("symbol", "is required") }
            if timeframe == nil {
                entry.fail("timeframe", "is required")
            } else if let timeframe, !Self.timeframes.contains(timeframe) {
                entry.fail("timeframe", "must be one of \(Self.timeframes.joined(separator: ", "))")
            }
            var bounds: [Int64?] = []
            for bound in ["from", "to"] {
                guard let text = entry.string(bound) else {
                    bounds.append(nil)
                    continue
                }
                let value = TimestampParser.parseRFC3339(Array(text.utf8))
                if value == nil { entry.fail(bound, "must be an RFC 3339 date-time") }
                bounds.append(value)
            }
            if let from = bounds[0], let to = bounds[1], from > to { entry.fail("to", "must not be before from") }
            entry.finish(into: &problems)
            guard let symbol, let timeframe else { continue }
            items.append(
                DatasetItem(
                    selection: .symbol(symbol, timeframe: timeframe), fromMilliseconds: bounds[0],
                    toMilliseconds: bounds[1]))
            json.append(
                .object([
                    ("symbol", .string(symbol)), ("timeframe", .string(timeframe)),
                    ("from", bounds[0].map { .string(TimestampParser.format(milliseconds: $0)) } ?? .null),
                    ("to", bounds[1].map { .string(TimestampParser.format(milliseconds: $0)) } ?? .null),
                ]))
        }
        guard problems.count == before, items.count == array.count else { return (nil, []) }
        return (items, [(key, .array(json))])
    }
}
