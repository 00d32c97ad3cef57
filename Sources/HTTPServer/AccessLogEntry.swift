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
        // Microsecond resolution printed from integers: cheaper than formatting a Double.
        let micros = max(0, Int((durationMilliseconds * 1000).rounded()))
        let fraction = String(micros % 1000)
        let duration = "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        var line = #"{"type":"access","method":"#
        line += JSONString.quote(method)
        line += #","path":"#
        line += JSONString.quote(path)
        line += #","status":"#
        line += String(status)
        line += #","bytes":"#
        line += String(bytes)
        line += #","duration_ms":"#
        line += duration
        line += #","request_id":"#
        line += JSONString.quote(requestID)
        line += #","peer":"#
        line += JSONString.quote(peer)
        line += "}"
        return line
    }
}
