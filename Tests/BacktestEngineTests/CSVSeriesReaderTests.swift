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
