import Foundation
import Testing

@testable import BacktestEngine
@testable import BacktestService

/// Coding a column from the scale the parser saw gives exactly the bytes the search over scales
/// on the doubles gives, for any text; where the scale is unknown, the search runs.
@Suite struct KnownScaleCodingTests {
    /// A price or volume as a CSV might write it: short decimals with trailing zeros and mixed
    /// widths (known scales), and what the short reader leaves to the general one (unknown).
    func text(_ random: inout SeededGenerator, style: Int) -> String {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(random.nextIndex(below: 10))) })
        }
        switch style {
        case 0: return "\(random.nextIndex(below: 1000) + 1).\(digits(6))"
        case 1: return "\(random.nextIndex(below: 100) + 1).\(digits(random.nextIndex(below: 8)))"
        case 2: return "\(random.nextIndex(below: 9) + 1)\(digits(random.nextIndex(below: 6))).50"
        case 3: return "\(random.nextIndex(below: 9_999_999) + 1)"
        case 4: return "\(random.nextIndex(below: 99) + 1).\(digits(random.nextIndex(below: 3)))0"
        case 5: return "0.\(String(repeating: "0", count: random.nextIndex(below: 6)))\(random.nextIndex(below: 9) + 1)"
        case 6: return ["1.0", "2.00", "3.000", "40", "5.", "0.50"].randomElement(using: &random) ?? "1"
        // Past the short reader (eight integer digits), read by the general loop.
        case 7: return "\(random.nextIndex(below: 9) + 1)\(digits(7)).\(digits(random.nextIndex(below: 4)))"
        default:
            return ["1e2", "+3.25", "0.10000000000000001", "12345678.5", "1.123456789"].randomElement(using: &random)
                ?? "1"
        }
    }

    func csv(rows: Int, seed: UInt64) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        var lines = ""
        func style() -> Int {
            // Now and then one the short reader leaves to the general one (its column's scale in
            // that block is then unknown), rarely one that sends the whole row there.
            switch random.nextIndex(below: 100) {
            case 0: 8
            case 1..<6: 7
            default: random.nextIndex(below: 7)
            }
        }
        var styles: [Int] = []
        for row in 0..<rows {
            // A new style per column every few hundred rows, so blocks see one or several.
            if row % 700 == 0 { styles = (0..<5).map { _ in style() } }
            var values = (0..<5).map { text(&random, style: styles[$0]) }
            // High must not be below low: order the two by value.
            if (Double(values[1]) ?? 0) < (Double(values[2]) ?? 0) { values.swapAt(1, 2) }
            lines += "\(1_600_000_000_000 + row * 60_000),\(values.joined(separator: ","))\n"
        }
        return Array(lines.utf8)
    }

    @Test(arguments: [1, 2, 3])
    func chunksCodedWithScales_equalChunksCodedFromDoubles(seed: UInt64) throws {
        let bytes = csv(rows: 5 * BarBlocks.defaultBlockBars + 123, seed: seed)
        let chunk = bytes.withUnsafeBufferPointer { buffer in
            CSVStreamChunk.parse(buffer, moreFollows: false, blockBars: BarBlocks.defaultBlockBars)
        }
        #expect(chunk.outcome.problemCount == 0)
        let scales = try #require(chunk.scales)
        #expect(BarBlocks.codeChunk(chunk.series, scales: scales) == BarBlocks.codeChunk(chunk.series, scales: nil))
        // Both ways were taken: most columns of most blocks knowing their scale, some not.
        let all = (0..<6).flatMap { block in (0..<5).map { scales.scale(block: block, column: $0) } }
        let known = all.filter { $0 <= UInt8(BarBlockCoding.maxKnownScale) }
        #expect(known.count >= 5 && known.count < all.count, "\(all)")
    }

    /// Columns where every value ends in zero at the widest scale go down a scale, as the search
    /// on the doubles finds.
    @Test(arguments: [
        ["1.50", "2.50", "3.00"], ["10", "20", "7"], ["0.0", "0.00", "0"], ["5.", "6.0", "7.00"],
        ["1.1234567", "2.1000000"], ["9999999.9999999", "0.0000001"], ["100.000000", "99.999990"],
    ])
    func knownScale_findsTheSearchesScale(texts: [String]) throws {
        let values = texts.compactMap { Double($0) }
        let widest =
            texts.map { text in
                text.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0
            }.max() ?? 0
        let series = OHLCVSeries(
            timestamps: values.indices.map { Int64($0) }, open: values, high: values, low: values, close: values,
            volume: values)
        let known = BarBlocks.codeBlock(series, 0..<values.count, scales: Array(repeating: UInt8(widest), count: 5))
        #expect(known == BarBlocks.codeBlock(series, 0..<values.count), "\(texts)")
    }
}
