import Foundation
import Testing

@testable import BacktestEngine

@Suite struct CSVSeriesReaderTests {
    func read(_ text: String) throws(EngineError) -> OHLCVSeries { try CSVSeriesReader.read(Array(text.utf8)) }

    func problems(_ text: String) -> [EngineError.Problem] {
        do {
            _ = try read(text)
            return []
        } catch { return error.problems }
    }

    @Test func reader_parsesTheSampleFile() throws {
        #expect(Fixtures.goog.count == 2148)
        #expect(Fixtures.goog.series.close.first == 100.34)
        #expect(TimestampParser.format(milliseconds: Fixtures.goog.series.timestamps[0]) == "2004-08-19T00:00:00Z")
    }

    @Test func reader_acceptsEpochMillisecondsOffsetsFractionsAndCRLF() throws {
        let series = try read(
            "timestamp,open,high,low,close,volume\r\n1700000000000,1,2,0.5,1.5,10\r\n2023-11-14T23:14:21.5+01:00,1,2,0.5,1.5,10\r\n"
        )
        // 1700000000 is 2023-11-14T22:13:20Z; 23:14:21.5+01:00 is 61.5 s later.
        #expect(series.timestamps == [1_700_000_000_000, 1_700_000_061_500])
    }

    @Test func reader_namesEveryBadLine() {
        let text = """
            timestamp,open,high,low,close,volume
            2020-01-01T00:00:00Z,1,2,0.5,1.5,10
            2020-01-01T00:00:00Z,1,2,0.5,1.5,10
            2020-01-03T00:00:00Z,1,2,0.5
            2020-01-04T00:00:00Z,1,x,0.5,1.5,10
            2020-01-05T00:00:00Z,-1,2,0.5,1.5,10
            2020-01-06T00:00:00Z,1,0.4,0.5,1.5,10
            yesterday,1,2,0.5,1.5,10
            2020-01-08T00:00:00Z,1,2,0.5,1.5,-3
            2020-01-09T00:00:00Z,1,2,0.5,nan,3
            """
        let found = problems(text)
        #expect(found.map(\.path) == ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10"])
        #expect(found[0].message.contains("not after"))
        #expect(found[1].message.contains("6 fields"))
        #expect(found[2].message.contains("high"))
        #expect(found[3].message.contains("positive"))
        #expect(found[4].message.contains("below low"))
        #expect(found[5].message.contains("timestamp"))
        #expect(found[6].message.contains("volume"))
        #expect(found[7].message.contains("close"))
    }

    @Test func reader_reportsOnlyTheFirst20Problems() {
        var text = "timestamp,open,high,low,close,volume\n"
        for day in 1...28 { text += "2020-02-\(day < 10 ? "0" : "")\(day)T00:00:00Z,1,2,3,1,1\n" }
        do {
            _ = try read(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 20)
            #expect(error.message.hasPrefix("28 bad CSV rows"))
        }
    }

    @Test func reader_requiresHeaderAndData() {
        #expect(problems("").first?.message.contains("header") == true)
        #expect(
            problems("time,o,h,l,c,v\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n").first?.message.contains("header") == true)
        #expect(problems("timestamp,open,high,low,close,volume\n").first?.message.contains("no data") == true)
        #expect(
            problems("timestamp,open,high,low,close,volume\n\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n").first?.path
                == "line 2")
    }

    @Test func reader_readsARawBufferLikeAnArray() throws {
        let bytes = Array("timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n".utf8)
        let series = try bytes.withUnsafeBytes { raw throws(EngineError) in try CSVSeriesReader.read(raw) }
        #expect(series == (try read(String(decoding: bytes, as: UTF8.self))))
        #expect(series.close == [1.5])
    }

    @Test func reader_trimsNumbersButNotTimestamps() {
        let spaced = "timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z, 1 ,\t2,0.5 ,1.5\t, 10\n"
        #expect((try? read(spaced))?.high == [2])
        let leading = "timestamp,open,high,low,close,volume\n 2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n"
        #expect(problems(leading).first?.message.contains("timestamp is neither") == true)
    }

    @Test func reader_rejectsOffsetsPast2359AndKeepsLongFractions() {
        let text = """
            timestamp,open,high,low,close,volume
            2020-01-01T00:00:00.123456+23:59,1,2,0.5,1.5,10
            2020-01-02T00:00:00+99:99,1,2,0.5,1.5,10
            2020-01-03T00:00:00+24:00,1,2,0.5,1.5,10
            """
        #expect(problems(text).map(\.path) == ["line 3", "line 4"])
        let good = "timestamp,open,high,low,close,volume\n2020-01-01T00:00:00.123456789Z,1,2,0.5,1.5,10\n"
        #expect((try? read(good))?.timestamps == [1_577_836_800_123])
    }

    @Test func reader_roundsLikeDoubleString() throws {
        let texts = ["0.1", "100.019908", "9007199254740993", "1e2", "1.7976931348623157e308", "+5", "5.", ".5"]
        var csv = "timestamp,open,high,low,close,volume\n"
        for (index, text) in texts.enumerated() { csv += "\(index + 1),\(text),\(text),\(text),\(text),\(text)\n" }
        let series = try read(csv)
        #expect(series.close.map(\.bitPattern) == texts.compactMap { Double($0)?.bitPattern })
    }

    @Test func lineCounting_matchesANaiveCount() {
        var rng = SeededGenerator(seed: 5)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in
                [10, 0x8A, 0x0B, 0xFF, 0x00, 65][Int.random(in: 0..<6, using: &rng)] as UInt8
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...length {
                    let naive =
                        bytes[start...].filter { $0 == 10 }.count + (start < length && bytes[length - 1] != 10 ? 1 : 0)
                    #expect(SharedBytes(bytes: buffer).lines(in: start..<length) == naive)
                }
            }
        }
        // Past the 255 vectors a lane may count before it is summed, with every byte a newline
        // (the most any lane can meet) and with random ones.
        for length in [4079, 4080, 4081, 4096, 70_001] {
            let all = [UInt8](repeating: 10, count: length)
            let random = (0..<length).map { _ in [10, 65, 0x8A][Int.random(in: 0..<3, using: &rng)] as UInt8 }
            for bytes in [all, random] {
                let naive = bytes.filter { $0 == 10 }.count + (bytes.last == 10 ? 0 : 1)
                bytes.withUnsafeBufferPointer { buffer in
                    #expect(SharedBytes(bytes: buffer).lines(in: 0..<length) == naive)
                    #expect(
                        SharedBytes(bytes: buffer).lines(in: 3..<length) == naive
                            - bytes[0..<3].filter { $0 == 10 }.count)
                }
            }
        }
    }

    @Test func timestamps_roundTripAndRejectImpossibleDates() {
        #expect(TimestampParser.parseRFC3339(Array("2024-02-29T12:00:00Z".utf8)) != nil)
        #expect(TimestampParser.parseRFC3339(Array("2023-02-29T12:00:00Z".utf8)) == nil)
        #expect(TimestampParser.parseRFC3339(Array("2023-01-01T25:00:00Z".utf8)) == nil)
        let ms = TimestampParser.parseRFC3339(Array("1999-12-31T23:59:59.123Z".utf8)) ?? 0
        #expect(TimestampParser.format(milliseconds: ms) == "1999-12-31T23:59:59.123Z")
    }

    @Test func timeframe_isInferredFromTheMedianStep() {
        #expect(Timeframe.infer(stepSeconds: Fixtures.goog.series.medianStepSeconds) == .d1)
        #expect(Timeframe.infer(stepSeconds: 3600) == .h1)
        #expect(Timeframe.infer(stepSeconds: 31 * 86_400) == .mo1)
        #expect(Timeframe.infer(stepSeconds: 7) == nil)
    }
}
