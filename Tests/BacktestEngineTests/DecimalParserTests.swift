import Testing

@testable import BacktestEngine

/// The decimal parser must agree with `Double(String)` bit for bit, including which texts it
/// rejects; the fast path must actually be taken for plain prices.
@Suite struct DecimalParserTests {
    static func parse(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
    }

    static func fast(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { DecimalParser.fastPath($0) }
    }

    static func agrees(_ text: String) -> Bool {
        parse(text)?.bitPattern == Double(text)?.bitPattern
    }

    @Test func randomDecimals_matchDoubleString() {
        var rng = SeededGenerator(seed: 2024)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
        }
        var fastCount = 0
        let total = 200_000
        for _ in 0..<total {
            var text = ["", "", "-", "+"][Int.random(in: 0..<4, using: &rng)]
            let zeros = Int.random(in: 0...2, using: &rng)
            text += String(repeating: "0", count: zeros) + digits(Int.random(in: 0...20, using: &rng))
            if Int.random(in: 0..<4, using: &rng) > 0 {
                text += "." + digits(Int.random(in: 0...25, using: &rng))
                text += String(repeating: "0", count: Int.random(in: 0...3, using: &rng))
            }
            if Int.random(in: 0..<6, using: &rng) == 0 {
                text +=
                    ["e", "E"][Int.random(in: 0..<2, using: &rng)] + ["", "-", "+"][Int.random(in: 0..<3, using: &rng)]
                text += String(Int.random(in: 0...400, using: &rng))
            }
            if Self.fast(text) != nil { fastCount += 1 }
            #expect(Self.agrees(text), "\(text)")
        }
        #expect(fastCount > total / 4)
    }

    @Test func numbersFollowedByMoreBytes_stopAtTheirEnd() {
        // The eight-bytes-at-a-time digit runs must stop exactly at the first non-digit.
        var rng = SeededGenerator(seed: 3)
        var fast = 0
        for _ in 0..<50_000 {
            let integer = String(Int.random(in: 0...99_999_999, using: &rng))
            let fraction = String(Int.random(in: 0...99_999_999, using: &rng)).prefix(
                Int.random(in: 0...8, using: &rng))
            let number = fraction.isEmpty ? integer : integer + "." + fraction
            let suffix = [",", "\n", "\r\n", ",1.5,2.5,3.5", " ", "e5", "/", ":", "x12345678"][
                Int.random(in: 0..<9, using: &rng)]
            let bytes = Array((number + suffix).utf8)
            // Parsed alone, the digit runs meet the buffer's end instead (the scalar tail).
            let alone = Self.fast(number)
            if alone != nil { fast += 1 }
            #expect(alone == nil || alone?.bitPattern == Double(number)?.bitPattern, "\(number)")
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var cursor = 0
                let value = DecimalParser.plainPrefix(base, &cursor, buffer.count)
                #expect(value?.bitPattern == alone?.bitPattern, "\(number + suffix)")
                #expect(cursor == (alone == nil ? 0 : number.utf8.count), "\(number + suffix)")
            }
        }
        #expect(fast > 40_000)
    }

    /// With 16 bytes readable, short prices take the two-load path (`shortDecimal`); alone in a
    /// shorter buffer they take the loop. Value bits and end must be the same.
    @Test func shortDecimals_readAsTheLoopReadsThem() {
        var rng = SeededGenerator(seed: 16)
        func read(_ bytes: [UInt8]) -> (bits: UInt64, end: Int)? {
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return nil }
                var cursor = 0
                return DecimalParser.plainPrefix(base, &cursor, buffer.count).map { ($0.bitPattern, cursor) }
            }
        }
        var short = 0
        for _ in 0..<100_000 {
            let integer = String(
                String(Int.random(in: 0...99_999_999, using: &rng)).prefix(Int.random(in: 0...8, using: &rng)))
            let fraction = String(
                String(Int.random(in: 0...99_999_999, using: &rng)).prefix(Int.random(in: 0...8, using: &rng)))
            let number =
                (["", "", "", "-", "0"][Int.random(in: 0..<5, using: &rng)]) + integer
                + (Int.random(in: 0..<8, using: &rng) == 0 ? "" : ".") + fraction
            let suffix = [",1.5,2.5,3.5,4.5\n", "1234567890123456", "e5,1.25,1.25,1.25", ".5.5.5.5.5.5.5.5.5"][
                Int.random(in: 0..<4, using: &rng)]
            let text = Array((number + suffix).utf8)
            let taken = text.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { base in
                    var cursor = 0
                    return DecimalParser.shortDecimal(base, &cursor, buffer.count)
                }
            }
            // Its scale is the count of fraction digits written (when the suffix ends the number).
            if let taken, suffix.first == "," || suffix.first == "e" {
                let written = number.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count
                #expect(Int(taken.scale) == written ?? 0, "\(number)")
            }
            if taken != nil { short += 1 }
            // A suffix of digits or a point extends the number; these two end it.
            guard suffix.first == "," || suffix.first == "e", number.utf8.count < 16 else { continue }
            let padded = read(text)
            let alone = read(Array(number.utf8))
            #expect(padded?.bits == alone?.bits, "\(number + suffix)")
            #expect(padded?.end == alone?.end, "\(number + suffix)")
        }
        #expect(short > 30_000)
    }

    @Test func typicalPrices_takeTheFastPathAndMatch() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<100_000 {
            let cents = Int.random(in: 0...100_000_000, using: &rng)
            let text = "\(cents / 1_000_000).\(String(cents % 1_000_000).leftPadded(6))"
            #expect(Self.fast(text) != nil, "\(text)")
            #expect(Self.agrees(text), "\(text)")
        }
    }

    @Test(arguments: [
        "0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "+.5", "-.5", "0.1", "0.2", "0.3", "1.7976931348623157e308",
        "4.9e-324", "2.2250738585072011e-308", "1e23", "9007199254740992", "9007199254740993", "9007199254740991.5",
        "1234567890123456789", "12345678901234567890", "0.0000000000000000000001", "0.00000000000000000000001",
        "1e-400", "1e400", "-1e400", "inf", "-inf", "Infinity", "nan", "NaN", "-nan", "snan", "0x1p3", "0x1.8P1",
        "", ".", "-", "+", "..5", "1.2.3", "1e", "e5", " 1", "1 ", "1\u{0}", "1\u{0}x", "\u{0}", "1_0", "١", "1,5",
        "00000000000000000000000000001.5", "1.50000000000000000000000000", "179769313486231570000000000000000",
    ])
    func edgeCases_matchDoubleString(text: String) {
        #expect(Self.agrees(text))
    }

    @Test func fastPath_declinesWhatItCannotRoundExactly() {
        #expect(Self.fast("9007199254740993") == nil)
        #expect(Self.fast("0.00000000000000000000001") == nil)
        #expect(Self.fast("12345678901234567890") == nil)
        #expect(Self.fast("1e5") == nil)
        #expect(Self.fast("inf") == nil)
        #expect(Self.fast("") == nil)
        #expect(Self.fast("123.456") == 123.456)
        #expect(Self.fast("-0")?.sign == .minus)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
