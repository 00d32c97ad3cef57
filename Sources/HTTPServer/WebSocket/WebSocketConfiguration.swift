/// The knobs of WebSocket connections.
public struct WebSocketConfiguration: Sendable {
    /// Frame and message size limits (→ close 1009 past them).
    public var limits = WebSocketFrameParser.Limits()
    /// A ping goes out after this many seconds without a byte from the peer (default 30).
    public var pingInterval: Double = 30
    /// The connection is dropped when the pong to that ping is this late (default 10 s).
    public var pongTimeout: Double = 10
    /// After sending a close frame, how long to wait for the peer's before dropping (default 5 s).
    public var closeTimeout: Double = 5

    public init() {}
}
