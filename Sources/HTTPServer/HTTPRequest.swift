/// A complete request handed to a route handler.
public struct HTTPRequest: Sendable {
    public let head: HTTPRequestHead
    public let body: [UInt8]
    /// Values of the route's `{param}` segments.
    public let parameters: [String: String]
    /// `X-Request-Id` as received, or one the server made.
    public let requestID: String
    /// The peer's IP address.
    public let peer: String

    public init(
        head: HTTPRequestHead, body: [UInt8] = [], parameters: [String: String] = [:], requestID: String = "",
        peer: String = "127.0.0.1"
    ) {
        self.head = head
        self.body = body
        self.parameters = parameters
        self.requestID = requestID
        self.peer = peer
    }

    public var method: String { head.method }
    public var path: String { head.path }
    public var headers: HTTPHeaders { head.headers }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? { head.queryValue(name) }
}
