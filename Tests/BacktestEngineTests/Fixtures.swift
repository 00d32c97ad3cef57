import Foundation

@testable import BacktestEngine

/// Files under `Tests/Fixtures` (copies of the shared oracles and data).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(name)) as? [String: Any] ?? [:]
    }

    static let goog: PreparedSeries = {
        let bytes = (try? data("GOOG_1d.csv")).map { [UInt8]($0) } ?? []
        let series =
            (try? CSVSeriesReader.read(bytes))
            ?? OHLCVSeries(timestamps: [], open: [], high: [], low: [], close: [], volume: [])
        return PreparedSeries(series)
    }()
}

/// A tiny series from closes (open = previous close, high/low bracket both).
func makeSeries(closes: [Double], opens: [Double]? = nil, highs: [Double]? = nil, lows: [Double]? = nil)
    -> PreparedSeries
{
    let opens = opens ?? closes
    let highs = highs ?? zip(opens, closes).map { max($0, $1) }
    let lows = lows ?? zip(opens, closes).map { min($0, $1) }
    let day: Int64 = 86_400_000
    return PreparedSeries(
        OHLCVSeries(
            timestamps: (0..<closes.count).map { Int64($0) * day }, open: opens, high: highs, low: lows, close: closes,
            volume: closes.map { _ in 1 }))
}

func expectClose(_ a: Double?, _ b: Double?, relative: Double = 1e-9) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    if a == b { return true }
    return abs(a - b) <= relative * max(abs(a), abs(b))
}
