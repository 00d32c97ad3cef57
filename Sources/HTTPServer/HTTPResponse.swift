/// A response a handler returns: a status, headers and a body that is either bytes or a stream.
public struct HTTPResponse: Sendable {
    /// How the body is produced.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Produced incrementally; the writer applies backpressure and throws once the peer is gone.
        case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body
    /// Extra fields for this request's access-log line (e.g. the owner and key prefix); never sent.
    public var logFields: [(String, String)] = []

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from already-encoded UTF-8 bytes.
    public static func json(_ bytes: [UInt8], status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var all = headers
        all.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        return HTTPResponse(status: status, headers: all, body: .bytes(bytes))
    }

    /// A JSON response from a string.
    public static func json(_ text: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        json(Array(text.utf8), status: status, headers: headers)
    }
}
