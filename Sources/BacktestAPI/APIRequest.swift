import BacktestEngine
import BacktestService
import HTTPServer

/// Query parsing shared by the routes; bad values are a 400 `bad_request`.
extension HTTPRequest {
    func integerQuery(_ name: String, default value: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let text = query(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError.badRequest(
                "query parameter \(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func timeQuery(_ name: String) throws -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = TimestampParser.parseMilliseconds(Array(text.utf8)) else {
            throw HTTPError.badRequest("query parameter \(name) must be an RFC 3339 date-time or epoch milliseconds")
        }
        return value
    }

    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}

extension HTTPResponse {
    /// A JSON document response.
    static func document(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        .json(Array(JSONWriter.compact(value).utf8), status: status, headers: headers)
    }
}
