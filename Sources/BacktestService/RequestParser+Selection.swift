import BacktestEngine

/// The data selection of a `POST /backtests` body.
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
}
