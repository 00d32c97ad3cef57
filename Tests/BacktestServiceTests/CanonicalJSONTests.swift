import Foundation
import Testing

@testable import BacktestService

enum ServiceFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

@Suite struct CanonicalJSONTests {
    @Test(arguments: ["arrays.json", "french.json", "structures.json", "unicode.json", "values.json"])
    func canonical_reproducesTheRFC8785Vectors(name: String) throws {
        let input = try JSONParser.parse(try ServiceFixtures.bytes("jcs/input/\(name)"))
        let expected = String(decoding: try ServiceFixtures.bytes("jcs/output/\(name)"), as: UTF8.self)
        #expect(JSONWriter.canonical(input) == expected.trimmingCharacters(in: .newlines))
    }

    @Test func numbers_matchECMAScriptForAll10000Vectors() throws {
        let lines = String(decoding: try ServiceFixtures.bytes("jcs/numbers.csv"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 10_000)
        var mismatches: [String] = []
        for line in lines {
            let parts = line.split(separator: ",")
            guard parts.count == 2, let bits = UInt64(parts[0], radix: 16) else {
                mismatches.append(String(line))
                continue
            }
            let formatted = ECMAScriptNumber.format(Double(bitPattern: bits))
            if formatted != parts[1] { mismatches.append("\(line) → \(formatted)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func parser_refusesDuplicatesTrailingDataAndBadEscapes() {
        for text in [
            #"{"a":1,"a":2}"#, #"{"a":1} x"#, #""\x""#, "[1,]", "01", "NaN", #""\uD800""#, "1e400", #"{"a" 1}"#,
        ] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func canonical_ignoresKeyOrderAndNumberSpelling() throws {
        let a = try JSONParser.parse(#"{"b":20,"a":[1.0,"x"],"c":{"z":null,"y":true}}"#)
        let b = try JSONParser.parse(#"{"c":{"y":true,"z":null},"a":[1,"x"],"b":2.0e1}"#)
        #expect(JSONWriter.canonical(a) == JSONWriter.canonical(b))
        #expect(JSONWriter.canonical(a) == #"{"a":[1,"x"],"b":20,"c":{"y":true,"z":null}}"#)
    }
}
