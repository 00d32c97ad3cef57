import Testing

@testable import BacktestService

@Suite struct ConfigMergeTests {
    func merged(_ base: String, _ overrides: String) throws -> String {
        JSONWriter.canonical(ConfigMerge.merge(try JSONParser.parse(base), try JSONParser.parse(overrides)))
    }

    @Test func objectsMergeKeyByKey_arraysAndScalarsReplace_nullRemoves() throws {
        #expect(
            try merged(#"{"a":{"x":1,"y":2},"b":[1,2],"c":3}"#, #"{"a":{"y":5},"b":[9]}"#)
                == #"{"a":{"x":1,"y":5},"b":[9],"c":3}"#)
        #expect(try merged(#"{"a":{"x":1},"c":3}"#, #"{"c":null,"a":{"x":null}}"#) == #"{"a":{}}"#)
        #expect(try merged(#"{"a":1}"#, #"{"a":{"b":1}}"#) == #"{"a":{"b":1}}"#)
        #expect(try merged(#"{"a":{"b":1}}"#, #"{"a":2}"#) == #"{"a":2}"#)
        #expect(try merged(#"{}"#, #"{"grid":{"fast":{"values":[1]}}}"#) == #"{"grid":{"fast":{"values":[1]}}}"#)
    }

    @Test func alternatives_replaceEachOther() throws {
        // A data selection replaces the other kind.
        #expect(
            try merged(#"{"symbol":"A","timeframe":"1d","from":null}"#, #"{"dataset_id":"ds_1"}"#)
                == #"{"dataset_id":"ds_1","from":null}"#)
        #expect(
            try merged(#"{"dataset_id":"ds_1"}"#, #"{"symbol":"B","timeframe":"1h"}"#)
                == #"{"symbol":"B","timeframe":"1h"}"#)
        #expect(
            try merged(#"{"symbol":"A","timeframe":"1d"}"#, #"{"symbol":"B"}"#) == #"{"symbol":"B","timeframe":"1d"}"#)
        // A grid axis is values or a range.
        #expect(
            try merged(
                #"{"grid":{"fast":{"values":[1,2]},"slow":{"values":[9]}}}"#,
                #"{"grid":{"fast":{"range":{"start":1}}}}"#)
                == #"{"grid":{"fast":{"range":{"start":1}},"slow":{"values":[9]}}}"#)
        // Not elsewhere: an object named `values` deeper down merges as usual.
        #expect(try merged(#"{"x":{"values":1,"range":2}}"#, #"{"x":{"range":3}}"#) == #"{"x":{"range":3,"values":1}}"#)
    }
}
