/// What a WebSocket route does with an upgrade request.
public struct WebSocketRoute: Sendable {
    /// Runs once the connection has switched protocols, for as long as the handler wants it; when
    /// it returns the server closes with 1000 (1011 when it throws).
    public typealias Session = @Sendable (WebSocket) async throws -> Void

    /// Decides on a valid handshake: returns the session, or throws an `HTTPError` to refuse with
    /// an ordinary response (a missing run is a 404, not a socket closed at once).
    public let accept: @Sendable (HTTPRequest) async throws -> Session
    /// The origin check, given `Origin` and `Host`: false → 403. Browsers send `Origin`; other
    /// clients may not (nil).
    public var originAllowed: @Sendable (_ origin: String?, _ host: String?) -> Bool
    /// Picks one of the subprotocols the client offers (in its order), or none.
    public var selectSubprotocol: @Sendable ([String]) -> String?

    public init(
        originAllowed: @escaping @Sendable (_ origin: String?, _ host: String?) -> Bool = { _, _ in true },
        selectSubprotocol: @escaping @Sendable ([String]) -> String? = { _ in nil },
        accept: @escaping @Sendable (HTTPRequest) async throws -> Session
    ) {
        self.accept = accept
        self.originAllowed = originAllowed
        self.selectSubprotocol = selectSubprotocol
    }

    /// Clients without an `Origin` (not browsers), and pages served by this server: a WebSocket is
    /// not covered by CORS, so without this any web page open in the user's browser could drive it.
    public static let sameOriginOrNone: @Sendable (String?, String?) -> Bool = { origin, host in
        guard let origin else { return true }
        guard let host, let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == host.lowercased()
    }
}
