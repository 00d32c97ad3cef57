/// The request line and header block of one request, as the parser produced it.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request-target exactly as sent.
    public var target: String
    /// The percent-decoded path.
    public var path: String
    /// The percent-decoded path segments (empty segments dropped).
    public var pathSegments: [String]
    /// The percent-decoded query parameters in order; `+` is a space.
    public var query: [(name: String, value: String)]
    public var versionMinor: Int
    public var headers: HTTPHeaders

    /// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 only with `keep-alive` (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        return versionMinor >= 1 || headers.containsToken("keep-alive", in: "Connection")
    }

    /// Whether the client waits for `100 Continue` before sending its body (RFC 9110 §10.1.1).
    public var expectsContinue: Bool {
        headers["Expect"]?.lowercased() == "100-continue"
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    public static func == (lhs: HTTPRequestHead, rhs: HTTPRequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.versionMinor == rhs.versionMinor
            && lhs.headers == rhs.headers
    }
}
