/// A partial's exact bytes, for storage between nodes: every double as its IEEE-754 bit pattern
/// (little endian), so the merged result is bit-identical to one computed in memory — decimal
/// text would round. Decoding checks every length against the bytes present and gives nil for
/// anything malformed, never traps.
extension GridPartial {
    static let magic: [UInt8] = Array("BTGP1".utf8)

    public func encoded() -> [UInt8] {
        var out = PartialWriter()
        out.bytes.append(contentsOf: Self.magic)
        out.int(range.lowerBound)
        out.int(range.upperBound)
        out.int(top.count)
        for entry in top {
            out.int(entry.variantIndex)
            out.metrics(entry.metrics)
        }
        for value in totalReturns { out.double(value) }
        for value in scores { out.double(value) }
        return out.bytes
    }

    public init?(encoded bytes: [UInt8]) {
        var reader = PartialReader(bytes: bytes)
        guard reader.take(Self.magic.count).map(Array.init) == Self.magic, let lower = reader.int(),
            let upper = reader.int(),
            lower >= 0, upper >= lower, let count = reader.int(), count >= 0, count <= reader.remaining
        else { return nil }
        var top: [Entry] = []
        for _ in 0..<count {
            guard let index = reader.int(), let metrics = reader.metrics() else { return nil }
            top.append(Entry(variantIndex: index, metrics: metrics))
        }
        let width = upper - lower
        // Two doubles per variant, and nothing after them.
        guard reader.remaining == width.saturatingMultiplied(by: 16) else { return nil }
        var returns: [Double] = []
        var scores: [Double] = []
        returns.reserveCapacity(width)
        scores.reserveCapacity(width)
        for _ in 0..<width { returns.append(reader.double() ?? .nan) }
        for _ in 0..<width { scores.append(reader.double() ?? .nan) }
        self.init(range: lower..<upper, top: top, totalReturns: returns, scores: scores)
    }
}

private struct PartialWriter {
    var bytes: [UInt8] = []

    mutating func word(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
    mutating func int(_ value: Int) { word(UInt64(bitPattern: Int64(value))) }
    mutating func double(_ value: Double) { word(value.bitPattern) }
    mutating func optional(_ value: Double?) {
        bytes.append(value == nil ? 0 : 1)
        if let value { double(value) }
    }
    mutating func text(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func metrics(_ m: VariantMetrics) {
        for value in [
            m.startValue, m.endValue, m.totalReturnPct, m.benchmarkReturnPct, m.maxGrossExposurePct, m.totalFeesPaid,
            m.maxDrawdownPct, m.maxDrawdownDurationSeconds, m.openTradePnl, m.exposureTimePct,
        ] { double(value) }
        for value in [m.totalTrades, m.totalClosedTrades, m.totalOpenTrades] { int(value) }
        for value in [
            m.winRatePct, m.bestTradePct, m.worstTradePct, m.avgWinningTradePct, m.avgLosingTradePct,
            m.avgWinningTradeDurationSeconds, m.avgLosingTradeDurationSeconds, m.profitFactor, m.expectancy,
            m.sharpeRatio, m.calmarRatio, m.omegaRatio, m.sortinoRatio, m.cagrPct,
        ] { optional(value) }
        // Sorted: the same metrics always give the same bytes.
        int(m.notes.count)
        for (key, value) in m.notes.sorted(by: { $0.key < $1.key }) {
            text(key)
            text(value)
        }
    }
}

private struct PartialReader {
    let bytes: [UInt8]
    var position = 0

    var remaining: Int { bytes.count - position }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<position + count]
    }
    mutating func word() -> UInt64? {
        guard let slice = take(8) else { return nil }
        return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
    mutating func int() -> Int? { word().map { Int(Int64(bitPattern: $0)) } }
    mutating func double() -> Double? { word().map(Double.init(bitPattern:)) }
    mutating func optional() -> Double?? {
        guard let flag = take(1)?.first, flag <= 1 else { return nil }
        if flag == 0 { return .some(nil) }
        return double().map { .some($0) }
    }
    mutating func text() -> String? {
        guard let count = int(), let slice = take(count) else { return nil }
        return String(validating: slice, as: UTF8.self)
    }

    mutating func metrics() -> VariantMetrics? {
        var doubles: [Double] = []
        for _ in 0..<10 {
            guard let value = double() else { return nil }
            doubles.append(value)
        }
        var ints: [Int] = []
        for _ in 0..<3 {
            guard let value = int() else { return nil }
            ints.append(value)
        }
        var optionals: [Double?] = []
        for _ in 0..<14 {
            guard let value = optional() else { return nil }
            optionals.append(value)
        }
        guard let count = int(), count >= 0, count <= remaining else { return nil }
        var notes: [String: String] = [:]
        for _ in 0..<count {
            guard let key = text(), let value = text() else { return nil }
            notes[key] = value
        }
        return VariantMetrics(doubles: doubles, ints: ints, optionals: optionals, notes: notes)
    }
}

extension VariantMetrics {
    /// The fields in `PartialWriter.metrics`' order.
    fileprivate init(doubles d: [Double], ints i: [Int], optionals o: [Double?], notes: [String: String]) {
        startValue = d[0]
        endValue = d[1]
        totalReturnPct = d[2]
        benchmarkReturnPct = d[3]
        maxGrossExposurePct = d[4]
        totalFeesPaid = d[5]
        maxDrawdownPct = d[6]
        maxDrawdownDurationSeconds = d[7]
        openTradePnl = d[8]
        exposureTimePct = d[9]
        totalTrades = i[0]
        totalClosedTrades = i[1]
        totalOpenTrades = i[2]
        winRatePct = o[0]
        bestTradePct = o[1]
        worstTradePct = o[2]
        avgWinningTradePct = o[3]
        avgLosingTradePct = o[4]
        avgWinningTradeDurationSeconds = o[5]
        avgLosingTradeDurationSeconds = o[6]
        profitFactor = o[7]
        expectancy = o[8]
        sharpeRatio = o[9]
        calmarRatio = o[10]
        omegaRatio = o[11]
        sortinoRatio = o[12]
        cagrPct = o[13]
        self.notes = notes
    }
}
