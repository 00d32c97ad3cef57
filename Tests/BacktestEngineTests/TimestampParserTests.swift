import Testing

@testable import BacktestEngine

@Suite struct TimestampParserTests {
    static func rfc(_ text: String) -> Int64? { TimestampParser.parseRFC3339(Array(text.utf8)) }
    static func any(_ text: String) -> Int64? { TimestampParser.parseMilliseconds(Array(text.utf8)) }

    @Test func offsets_stayWithin2359() {
        #expect(Self.rfc("2020-01-01T00:00:00+23:59") == Self.rfc("2019-12-31T00:01:00Z"))
        #expect(Self.rfc("2020-01-01T00:00:00-23:59") == Self.rfc("2020-01-01T23:59:00Z"))
        #expect(Self.rfc("2020-01-01T00:00:00+24:00") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00+99:99") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00-00:60") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00+00:59") != nil)
        #expect(Self.rfc("2020-01-01T00:00:00-00:00") == Self.rfc("2020-01-01T00:00:00Z"))
    }

    @Test func extremes_stayInRange() {
        #expect(Self.rfc("9999-12-31T23:59:60.999999-23:59") == 253_402_387_140_999)
        #expect(Self.rfc("0000-01-01T00:00:00+23:59") == -62_167_305_540_000)
        #expect(Self.any("999999999999999") == 999_999_999_999_999)
        #expect(Self.any("000000000000000") == 0)
        #expect(Self.any("1000000000000000") == nil)
        #expect(Self.any("99999999999999999999999999") == nil)
        #expect(Self.any("") == nil)
        #expect(Self.any("-1") == nil)
    }

    @Test func shapes_followRFC3339() {
        #expect(Self.rfc("2020-01-01t00:00:00z") == Self.rfc("2020-01-01T00:00:00Z"))
        #expect(Self.rfc("2020-01-01 00:00:00Z") == Self.rfc("2020-01-01T00:00:00Z"))
        #expect(Self.rfc("2020-01-01T00:00:00.1Z") == 1_577_836_800_100)
        #expect(Self.rfc("2020-01-01T00:00:00.123456789Z") == 1_577_836_800_123)
        #expect(Self.rfc("2020-01-01T00:00:00.Z") == nil)
        // Regression: more than three fraction digits used to trap (a `digits..<3` range).
        #expect(Self.rfc("2020-01-01T00:00:00.1234Z") == 1_577_836_800_123)
        #expect(Self.rfc("2020-01-01T00:00:00") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00Z ") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00+01") == nil)
        #expect(Self.rfc("2020-01-01T00:00:00+01:0") == nil)
        #expect(Self.rfc("2020-1-01T00:00:00Z") == nil)
    }

    @Test func randomTimestamps_matchTheReferenceParser() {
        var rng = SeededGenerator(seed: 11)
        let alphabet = Array("0123456789-:TtZz+. ".utf8)
        for _ in 0..<100_000 {
            var bytes = Array("2020-02-29T12:34:56.789+05:30".utf8)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes.removeLast(Int.random(in: 0...10, using: &rng)) }
            #expect(
                TimestampParser.parseMilliseconds(bytes) == ReferenceCSVReader.referenceTimestamp(bytes),
                "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
