import Foundation
import Testing

@testable import BacktestEngine
@testable import BacktestService

/// The compact bars blob gives back every bit it was given, refuses damage without trapping,
/// and blobs of the first layout still read.
@Suite struct BarsCodecTests {
    /// Bit-for-bit equality (`==` would call -0.0 and 0.0 equal and NaN unequal to itself).
    func sameBits(_ a: OHLCVSeries, _ b: OHLCVSeries) -> Bool {
        func bits(_ column: [Double]) -> [UInt64] { column.map(\.bitPattern) }
        return a.timestamps == b.timestamps && bits(a.open) == bits(b.open) && bits(a.high) == bits(b.high)
            && bits(a.low) == bits(b.low) && bits(a.close) == bits(b.close) && bits(a.volume) == bits(b.volume)
    }

    func series(_ timestamps: [Int64], _ values: (Int) -> Double) -> OHLCVSeries {
        let n = timestamps.count
        return OHLCVSeries(
            timestamps: timestamps, open: (0..<n).map { values($0) }, high: (0..<n).map { values($0 + 1) },
            low: (0..<n).map { values($0 + 2) }, close: (0..<n).map { values($0 + 3) },
            volume: (0..<n).map { values($0 + 4) })
    }

    /// Decimal text of `mantissa / 10^digits`, parsed as the CSV reader parses it.
    func decimal(_ mantissa: Int, digits: Int) -> Double {
        let text = String(mantissa)
        guard digits > 0 else { return Double(text) ?? 1 }
        let padded = String(repeating: "0", count: max(0, digits + 1 - text.count)) + text
        return Double(String(padded.dropLast(digits)) + "." + String(padded.suffix(digits))) ?? 1
    }

    func decimal(_ random: inout SeededGenerator, digits: Int) -> Double {
        decimal(random.nextIndex(below: 1_000_000_000) + 1, digits: digits)
    }

    @Test func csvLikeSeriesRoundTripExactlyAndShrink() throws {
        var random = SeededGenerator(seed: 7)
        for digits in [0, 2, 6, 8, 12] {
            let n = 10_000
            let timestamps = (0..<n).map { Int64(1_600_000_000_000 + $0 * 60_000) }
            // A random walk of prices with `digits` fraction digits, as a minute-bar file holds.
            var mantissa = 100_000_000
            let values = (0..<n + 5).map { _ in
                mantissa = max(1, mantissa + random.nextIndex(below: 20_001) - 10_000)
                return decimal(mantissa, digits: digits)
            }
            let original = series(timestamps) { values[$0] }
            let blob = BarsCodec.encode(original)
            let decoded = try #require(BarsCodec.decode(blob))
            #expect(sameBits(decoded, original), "digits \(digits)")
            #expect(blob.count < n * BarsCodec.bytesPerBar / 3, "digits \(digits): \(blob.count) bytes")
            // Values drawn independently (no walk) still round-trip.
            let scattered = (0..<n + 5).map { _ in decimal(&random, digits: digits) }
            let independent = series(timestamps) { scattered[$0] }
            #expect(try sameBits(#require(BarsCodec.decode(BarsCodec.encode(independent))), independent))
        }
    }

    @Test func edgeValuesRoundTripExactly() throws {
        let edges: [Double] = [
            0, -0.0, .nan, -.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNonzeroMagnitude, .leastNormalMagnitude, Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),
            Double(bitPattern: 3), 1e22, 1e23,
            9_007_199_254_740_994, 2_251_799_813_685_248.5, 4_503_599_627_370_497,
            9007199254740992, 0.1, 0.1 + 0.2, 1.0 / 3, 100.012345, 123456789.123456789, 1e-22, 4.35, -1, -100.5,
            Double(bitPattern: 0x7FF8_0000_0000_0001),
        ]
        // Every edge in every column and at block boundaries, with irregular timestamps near the
        // Int64 limits (steps that wrap).
        let n = 3 * 37 + 5
        let timestamps: [Int64] = (0..<n).map { index in
            switch index {
            case 0: .min
            case 1: .min + 1
            case n - 1: .max
            case n - 2: .max - 1
            default: Int64(index) * 1_234_567_891_234 - 40_000_000_000_000
            }
        }
        let original = series(timestamps) { edges[$0 % edges.count] }
        for blockBars in [1, 2, 37, 4096] {
            let blob = BarBlocks.encode(original, blockBars: blockBars)
            let decoded = try #require(BarsCodec.decode(blob))
            #expect(sameBits(decoded, original), "block \(blockBars)")
        }
        // A column mixing decimals with one value that is not: stored raw, still exact.
        let mixed = series([1, 2, 3]) { [1.5, 2.25, -0.0, 7, 8, 9, 10][$0] }
        #expect(try sameBits(#require(BarsCodec.decode(BarsCodec.encode(mixed))), mixed))
        let empty = series([]) { _ in 0 }
        #expect(try sameBits(#require(BarsCodec.decode(BarsCodec.encode(empty))), empty))
    }

    @Test func randomBitPatternsRoundTripExactly() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let n = 1 + random.nextIndex(below: 3000)
            var timestamps: [Int64] = []
            var t = Int64(bitPattern: random.next())
            for _ in 0..<n {
                timestamps.append(t)
                t = t &+ Int64(bitPattern: random.next() >> UInt64(random.nextIndex(below: 64)))
            }
            let values = (0..<n + 5).map { _ in
                random.nextUnit() < 0.5 ? Double(bitPattern: random.next()) : decimal(&random, digits: 4)
            }
            let original = series(timestamps) { values[$0] }
            let decoded = try #require(
                BarsCodec.decode(BarBlocks.encode(original, blockBars: 1 + random.nextIndex(below: 600))))
            #expect(sameBits(decoded, original))
        }
    }

    @Test func theFirstLayoutIsStillRead() throws {
        let original = SyntheticSeries.randomWalk(bars: 1000, seed: 5)
        let old = BarsCodec.encodeRaw(original)
        #expect(old.count == 8 + 1000 * BarsCodec.bytesPerBar)
        #expect(try sameBits(#require(BarsCodec.decode(old)), original))
        #expect(BarsCodec.encode(original).prefix(8).elementsEqual(BarBlocks.magic))
    }

    @Test func damagedBlobsAreRefusedNeverTrusted() {
        let original = SyntheticSeries.randomWalk(bars: 1000, seed: 2)
        let blob = BarBlocks.encode(original, blockBars: 100)
        // Every truncation.
        for length in stride(from: 0, to: blob.count, by: 7) {
            #expect(BarsCodec.decode(Array(blob.prefix(length))) == nil, "truncated to \(length)")
        }
        // Random byte flips: decoded or refused, never a trap; a header or index flip is refused
        // unless it reads the same.
        var random = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            var damaged = blob
            for _ in 0...random.nextIndex(below: 4) {
                damaged[random.nextIndex(below: damaged.count)] ^= UInt8(1 + random.nextIndex(below: 255))
            }
            _ = BarsCodec.decode(damaged)
        }
        // Counts and block sizes that promise more than the blob holds.
        func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var copy = blob
            copy.replaceSubrange(offset..<offset + bytes.count, with: bytes)
            return copy
        }
        #expect(BarsCodec.decode(patched(8, [UInt8](repeating: 0xFF, count: 8))) == nil)
        // A count the blob's size cannot hold (more than a bar per six bytes), at N and N + 1.
        let dense = BarBlocks.encode(series([5, 6]) { _ in 1 }, blockBars: 2)
        #expect(dense.count == BarBlocks.headerBytes + BarBlocks.indexEntryBytes + 16)
        func counted(_ count: UInt64, blockBars: UInt32) -> [UInt8] {
            var copy = dense
            withUnsafeBytes(of: count.littleEndian) { copy.replaceSubrange(8..<16, with: $0) }
            withUnsafeBytes(of: blockBars.littleEndian) { copy.replaceSubrange(16..<20, with: $0) }
            return copy
        }
        let limit = UInt64(dense.count / 6)
        // At the bound the header passes and the block, too short for its bars, is refused; past it the header is.
        #expect(BarsCodec.decode(counted(limit, blockBars: UInt32(limit))) == nil)
        #expect(BarsCodec.decode(counted(limit + 1, blockBars: UInt32(limit + 1))) == nil)
        #expect(BarsCodec.decode(patched(16, [0, 0, 0, 0])) == nil)
        #expect(BarsCodec.decode(patched(16, [0xFF, 0xFF, 0xFF, 0xFF])) == nil)
        #expect(BarsCodec.decode(patched(20, [0xFF, 0xFF, 0xFF, 0x7F])) == nil)
        #expect(BarsCodec.decode(patched(24, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])) == nil)
        // A varint running past 64 bits, and an unknown column mode.
        let one = series([5]) { _ in 1 }
        var long = BarBlocks.encode(one)
        let modeAt = BarBlocks.headerBytes + BarBlocks.indexEntryBytes
        #expect(long[modeAt] == 0)
        long[modeAt] = 23
        #expect(BarsCodec.decode(long) == nil)
        var bits = BarBlocks.encode(series([5, 6]) { _ in 1 })
        bits.insert(contentsOf: [UInt8](repeating: 0x80, count: 11), at: modeAt)
        #expect(BarsCodec.decode(bits) == nil)
        // Trailing bytes after the last block are damage too.
        #expect(BarsCodec.decode(blob + [0]) == nil)
    }
}
