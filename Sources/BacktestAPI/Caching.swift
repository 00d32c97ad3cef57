import BacktestService
import Foundation
import HTTPServer

/// HTTP caching of the API's documents. A document that can no longer change (a finished run and
/// its results, trades and equity) carries a strong `ETag`, the SHA-256 of its bytes, and may be
/// kept a while by the client; `If-None-Match` with that tag gets 304 and no body. Every other
/// answer says `no-store`: a list, a running run or a key changes under the client.
enum Caching {
    /// An hour: the document does not change, but its run may be deleted.
    static let immutable = "private, max-age=3600"
    static let noStore = "no-store"

    /// The response for a document that never changes again.
    static func immutableDocument(_ value: JSONValue, for request: HTTPRequest) -> HTTPResponse {
        let bytes = Array(JSONWriter.compact(value).utf8)
        let tag = "\"" + InputHash.sha256Hex(bytes) + "\""
        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: tag)
        headers.add(name: "Cache-Control", value: immutable)
        if matches(request.headers.values("If-None-Match"), tag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        return .json(bytes, headers: headers)
    }

    /// Whether an `If-None-Match` field (RFC 9110 §13.1.2: a list of tags or `*`, compared
    /// weakly) names `tag`.
    static func matches(_ fields: [String], _ tag: String) -> Bool {
        for field in fields {
            for candidate in field.split(separator: ",") {
                var text = candidate.trimmingCharacters(in: .whitespaces)
                if text == "*" { return true }
                if text.hasPrefix("W/") { text.removeFirst(2) }
                if text == tag { return true }
            }
        }
        return false
    }

    /// `handler` with `defaultToNoStore` applied to its answers.
    static func noStore(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse)
        -> @Sendable (HTTPRequest) throws -> HTTPResponse
    {
        { request in
            var response = try handler(request)
            defaultToNoStore(&response)
            return response
        }
    }

    /// `handler` (a streaming upload) with `defaultToNoStore` applied to its answers.
    static func noStore(
        _ handler: @escaping @Sendable (HTTPRequest, RequestBodyStream) async throws -> HTTPResponse
    ) -> @Sendable (HTTPRequest, RequestBodyStream) async throws -> HTTPResponse {
        { request, body in
            var response = try await handler(request, body)
            defaultToNoStore(&response)
            return response
        }
    }

    /// Adds `Cache-Control: no-store` unless the response already says how to cache it.
    static func defaultToNoStore(_ response: inout HTTPResponse) {
        if response.headers["Cache-Control"] == nil {
            response.headers.add(name: "Cache-Control", value: noStore)
        }
    }
}
