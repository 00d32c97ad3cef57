import Foundation
import Testing

@testable import HTTPServer

@Suite struct AccessLogEntryTests {
    @Test func line_isValidJSONWithEscapedFields() throws {
        let entry = AccessLogEntry(
            method: "GET", path: "/a \"b\"\\c\n", status: 200, bytes: 15, durationMilliseconds: 1.2345,
            requestID: "id-1", peer: "127.0.0.1")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.jsonLine.utf8)) as? [String: Any])
        #expect(object["path"] as? String == "/a \"b\"\\c\n")
        #expect(object["status"] as? Int == 200)
        #expect(object["duration_ms"] as? Double == 1.235 || object["duration_ms"] as? Double == 1.234)
        #expect(entry.jsonLine.contains(#""duration_ms":1.23"#))
        let slow = AccessLogEntry(
            method: "POST", path: "/x", status: 500, bytes: 0, durationMilliseconds: 2000.0004, requestID: "r",
            peer: "::1")
        #expect(slow.jsonLine.contains(#""duration_ms":2000.000,"#))
        #expect(JSONString.quote("plain") == "\"plain\"")
        #expect(JSONString.quote("\u{01}") == "\"\\u0001\"")
    }
}
