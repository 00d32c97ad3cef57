/// One request as the access log records it.
public struct AccessLogEntry: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    public let bytes: Int
    public let durationMilliseconds: Double
    public let requestID: String
    public let peer: String

    /// The entry as one JSON line (no trailing newline).
    public var jsonLine: String {
        let duration = (durationMilliseconds * 1000).rounded() / 1000
        return #"{"type":"access","method":"# + JSONString.quote(method) + #","path":"# + JSONString.quote(path)
            + #","status":\#(status),"bytes":\#(bytes),"duration_ms":\#(duration),"request_id":"#
            + JSONString.quote(requestID) + #","peer":"# + JSONString.quote(peer) + "}"
    }
}
