import Testing

@testable import BacktestService

@Suite struct DataSelectionTests {
    static func normalized(_ body: String) throws -> String {
        JSONWriter.canonical(try RequestParser().parse(Array(body.utf8)).normalized)
    }

    @Test func aDatasetIDWithoutAWindowKeepsItsEarlierNormalForm() throws {
        let plain = try Self.normalized(#"{"dataset_id":"ds_1","strategy":{"name":"dual_sma"}}"#)
        #expect(plain.hasPrefix(#"{"dataset_id":"ds_1","execution":"#))
        #expect(!plain.contains(#""from""#))
        // An explicit null is the same as absent.
        #expect(try Self.normalized(#"{"dataset_id":"ds_1","from":null,"strategy":{"name":"dual_sma"}}"#) == plain)
    }

    @Test func aWindowIsPartOfTheInputForEitherSelection() throws {
        let windowed = try Self.normalized(
            #"{"dataset_id":"ds_1","from":"2020-01-01T00:00:00+01:00","strategy":{"name":"dual_sma"}}"#)
        #expect(windowed.contains(#""from":"2019-12-31T23:00:00Z""#))
        #expect(windowed.contains(#""to":null"#))
        let symbol = try Self.normalized(#"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#)
        #expect(symbol.contains(#""from":null"#))
    }

    @Test func offsetsPastTwentyThreeFiftyNineAreRefused() {
        #expect(throws: ServiceError.self) {
            _ = try Self.normalized(
                #"{"dataset_id":"ds_1","from":"2020-01-01T00:00:00+99:99","strategy":{"name":"dual_sma"}}"#)
        }
    }
}
