import Foundation
import Testing

@testable import BacktestEngine
@testable import BacktestService

/// Coding a block from the decimals its values were parsed from gives exactly the bytes coding
/// the doubles gives, for any text: where the decimals cannot prove that, the doubles are coded.
@Suite struct ParsedDecimalCodingTests {
    /// Values as a CSV might hold them, with the cases the proof is about: trailing zeros, mixed
    /// scales, mantissas near 10^15, 2^50 and 2^53, 17-digit decimals that round to a shorter
    /// one's double, `-0`, up to 22 fraction digits, and the general path's spellings.
    func text(_ random: inout SeededGenerator, style: Int) -> String {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(random.nextIndex(below: 10))) })
        }
        switch style {
        case 0: return "\(random.nextIndex(below: 1000) + 1).\(digits(6))"
        case 1: return "\(random.nextIndex(below: 100) + 1).\(digits(random.nextIndex(below: 4)))"
        case 2: return "\(random.nextIndex(below: 9) + 1)\(digits(random.nextIndex(below: 4)))" + ".50"
        case 3: return "\(random.nextIndex(below: 9) + 1)\(digits(14)).\(digits(random.nextIndex(below: 3)))"
        case 4: return ["1125899906842623", "1125899906842624", "999999999999999", "1000000000000000"].randomElement(
                using: &random) ?? "1"
        case 5: return ["9007199254740992", "9007199254740993", "900719925474099.2", "0.9007199254740991"]
                .randomElement(using: &random) ?? "1"
        case 6: return ["0.10000000000000001", "0.1", "2.2000000000000002", "123.45000000000000"].randomElement(
                using: &random) ?? "1"
        case 7: return "0." + String(repeating: "0", count: random.nextIndex(below: 20)) + "\(random.nextIndex(below: 9) + 1)"
        case 8: return ["-0", "-0.0", "0", "0.000", "1e2", "1.5E-3", " 2.5", "07", "+3.25"].randomElement(using: &random)
                ?? "1"
        default: return "\(random.nextIndex(below: 1_000_000)).\(digits(random.nextIndex(below: 23)))"
        }
    }

    /// The doubles and packed decimals of `texts` as the CSV fast path reads them (`unknown` for
    /// what it does not take, whose double is then `Double(String)`'s).
    func parsed(_ texts: [String]) -> (values: [Double], packed: [Int64]) {
        var values: [Double] = []
        var packed: [Int64] = []
        for text in texts {
            let bytes = Array(text.utf8)
            let fast: (value: Double, packed: Int64)? = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return nil }
                var cursor = 0
                let read = DecimalParser.plainDecimal(base, &cursor, buffer.count)
                return cursor == buffer.count ? read : nil
            }
            values.append(fast?.value ?? Double(text.trimmingCharacters(in: .whitespaces)) ?? 1)
            packed.append(fast?.packed ?? ParsedDecimals.unknown)
        }
        return (values, packed)
    }

    @Test func blocksCodedFromDecimals_equalBlocksCodedFromDoubles() throws {
        var random = SeededGenerator(seed: 2026)
        var fromDecimals = 0
        for round in 0..<400 {
            let rows = random.nextIndex(below: 300) + 1
            // Most blocks keep one style per column (so whole columns take the decimals); some mix.
            let styles = (0..<5).map { _ in random.nextIndex(below: 10) }
            let mixed = round % 4 == 0
            var columns: [(values: [Double], packed: [Int64])] = []
            for column in 0..<5 {
                let texts = (0..<rows).map { _ in
                    text(&random, style: mixed ? random.nextIndex(below: 10) : styles[column])
                }
                columns.append(parsed(texts))
            }
            let series = OHLCVSeries(
                timestamps: (0..<rows).map { Int64($0) * 60_000 }, open: columns[0].values, high: columns[1].values,
                low: columns[2].values, close: columns[3].values, volume: columns[4].values)
            let decimals = ParsedDecimals(packed: columns.flatMap(\.packed), stride: rows, rows: rows)
            let start = random.nextIndex(below: rows)
            let range = start..<rows
            #expect(
                BarBlocks.codeBlock(series, range, decimals: decimals) == BarBlocks.codeBlock(series, range),
                "round \(round)")
            for column in columns {
                var scratch = [UInt8](repeating: 0, count: BarBlockCoding.worstCaseBytes(bars: rows))
                let taken = column.packed.withUnsafeBufferPointer { packed in
                    scratch.withUnsafeMutableBufferPointer { bytes in
                        guard let base = bytes.baseAddress, let values = packed.baseAddress else { return false }
                        var writer = ByteWriter(base: base)
                        return BarBlockCoding.encodeParsed(values, range, into: &writer)
                    }
                }
                if taken { fromDecimals += 1 }
            }
        }
        // The comparison is only worth something if the decimals were taken often.
        #expect(fromDecimals > 300)
    }

    /// The proof's limits: a mantissa of 10^15 at the block's scale is coded from the doubles,
    /// one below from the decimals, and both give the doubles' bytes.
    @Test func mantissaLimit_atNAndNPlusOne() {
        for (text, taken) in [("999999999999999", true), ("1000000000000000", false), ("99999999999999.9", true),
            ("100000000000000.0", true), ("100000000000000.1", false), ("-0.0", false)] {
            let (values, packed) = parsed([text, "1"])
            let series = OHLCVSeries(
                timestamps: [0, 60_000], open: values, high: values, low: values, close: values, volume: values)
            let decimals = ParsedDecimals(packed: Array(repeating: packed, count: 5).flatMap { $0 }, stride: 2, rows: 2)
            #expect(BarBlocks.codeBlock(series, 0..<2, decimals: decimals) == BarBlocks.codeBlock(series, 0..<2), "\(text)")
            var scratch = [UInt8](repeating: 0, count: 64)
            let coded = packed.withUnsafeBufferPointer { values in
                scratch.withUnsafeMutableBufferPointer { bytes in
                    guard let base = bytes.baseAddress, let values = values.baseAddress else { return false }
                    var writer = ByteWriter(base: base)
                    return BarBlockCoding.encodeParsed(values, 0..<2, into: &writer)
                }
            }
            #expect(coded == taken, "\(text)")
        }
    }
}
