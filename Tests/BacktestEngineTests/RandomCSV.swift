@testable import BacktestEngine

/// Random OHLCV files with every kind of defect the reader must name, for comparing the
/// chunked reader with the reference one. Deterministic per generator seed.
struct RandomCSV {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &rng)] }

    /// A file of `rows` data lines; `defects` is the chance that a line is damaged.
    mutating func file(rows: Int, defects: Double) -> [UInt8] {
        var text = pick([
            "timestamp,open,high,low,close,volume", "\u{FEFF}timestamp,open,high,low,close,volume",
            "TIMESTAMP, Open ,HIGH,low,close,Volume", "timestamp,open,high,low,close,volume\r",
        ])
        if chance(0.02) { text = pick(["time,open,high,low,close,volume", "", "timestamp,open,high,low,close"]) }
        var milliseconds: Int64 = 1_600_000_000_000 + Int64.random(in: 0..<1_000_000, using: &rng)
        for _ in 0..<rows {
            text += chance(0.1) ? "\r\n" : "\n"
            if chance(defects) && chance(0.5) {
                // Step back in time or repeat, so later rows hit the cross-row rule.
                milliseconds -= pick([0, 60_000, 600_000, 86_400_000])
            } else {
                milliseconds += pick([1, 1000, 60_000, 60_000, 60_000, 3_600_000])
            }
            text += line(milliseconds, damaged: chance(defects))
        }
        text += pick(["", "\n", "\n", "\r\n", "\n\n", "\n\n\n", "\n\r\n"])
        return Array(text.utf8)
    }

    mutating func line(_ milliseconds: Int64, damaged: Bool) -> String {
        let low = Double(Int.random(in: 1...100_000, using: &rng)) / 100
        let high = low + Double(Int.random(in: 0...10_000, using: &rng)) / 1000
        var fields = [
            timestamp(milliseconds), number(low + (high - low) / 2), number(high), number(low),
            number(low + (high - low) / 3), number(Double(Int.random(in: 0...1_000_000, using: &rng))),
        ]
        guard damaged else { return fields.joined(separator: ",") }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return ""
        case 1: fields.removeLast(Int.random(in: 1...5, using: &rng))
        case 2: fields.append(pick(["", "1", "x"]))
        case 3:
            fields[0] = pick([
                "yesterday", "2020-13-01T00:00:00Z", "2021-02-29T00:00:00Z", "2020-01-01T00:00:00+24:00",
                "2020-01-01T00:00:00+99:99", "2020-01-01T00:00:00-00:60", "1234567890123456", " 1600000000000",
                "2020-01-01T00:00:00", "", "-1600000000000",
            ])
        default:
            let index = Int.random(in: 1...5, using: &rng)
            fields[index] = pick([
                "x", "", "nan", "inf", "-inf", "1e999", "-1", "0", "-0", "0x1p3", "1,5", "1.2.3", "\t", "1e-400",
                "+5", ".5", "5.", "1_000", "١", "1\u{0}", "\r2",
            ])
            if index == 2 && chance(0.5) { fields[2] = "0.001" }  // high below low
        }
        return fields.joined(separator: ",")
    }

    mutating func timestamp(_ milliseconds: Int64) -> String {
        let text = TimestampParser.format(milliseconds: milliseconds)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return String(milliseconds)
        case 1: return text.replacing("T", with: pick(["t", " "]))
        case 2:
            // The same instant one hour ahead of UTC.
            let shifted = TimestampParser.format(milliseconds: milliseconds + 3_600_000)
            return String(shifted.dropLast()) + "+01:00"
        case 3: return text.hasSuffix("Z") ? String(text.dropLast()) + "z" : text
        default: return text
        }
    }

    mutating func number(_ value: Double) -> String {
        let padded = pick(["", "", "", " ", "\t", "  "])
        let core: String
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: core = String(value)
        case 1: core = String(Int(value.rounded(.up)))
        case 2: core = "\(value)000"
        case 3: core = "+\(value)"
        case 4: core = "\(value)e0"
        default: core = "0\(value)"
        }
        return padded + core + pick(["", "", "", " ", "\t"])
    }
}
