/// One request as the access log records it.
public struct AccessLogEntry: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    public let bytes: Int
    public let durationMilliseconds: Double
    public let requestID: String
    public let peer: String
    /// Fields the handler added (e.g. who asked), as strings.
    public var fields: [(String, String)] = []

    /// The entry as one JSON line (no trailing newline).
    public var jsonLine: String {
        var bytes: [UInt8] = []
        appendJSONLine(to: &bytes)
        bytes.removeLast()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON line and a newline straight into `buffer`: no intermediate strings, so
    /// logging every request stays cheap on the event loop.
    public func appendJSONLine(to buffer: inout [UInt8]) {
        // Microsecond resolution printed from integers: cheaper than formatting a Double.
        let micros = max(0, Int((durationMilliseconds * 1000).rounded()))
        buffer.append(contentsOf: #"{"type":"access","method":"#.utf8)
        JSONString.append(method, to: &buffer)
        buffer.append(contentsOf: #","path":"#.utf8)
        JSONString.append(path, to: &buffer)
        buffer.append(contentsOf: #","status":"#.utf8)
        Self.appendDecimal(status, to: &buffer)
        buffer.append(contentsOf: #","bytes":"#.utf8)
        Self.appendDecimal(bytes, to: &buffer)
        buffer.append(contentsOf: #","duration_ms":"#.utf8)
        Self.appendDecimal(micros / 1000, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        let fraction = micros % 1000
        buffer.append(UInt8(48 + fraction / 100))
        buffer.append(UInt8(48 + fraction / 10 % 10))
        buffer.append(UInt8(48 + fraction % 10))
        buffer.append(contentsOf: #","request_id":"#.utf8)
        JSONString.append(requestID, to: &buffer)
        buffer.append(contentsOf: #","peer":"#.utf8)
        JSONString.append(peer, to: &buffer)
        for (name, value) in fields {
            buffer.append(UInt8(ascii: ","))
            JSONString.append(name, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            JSONString.append(value, to: &buffer)
        }
        buffer.append(contentsOf: "}\n".utf8)
    }

    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendDecimal(-value, to: &buffer)
            return
        }
        if value >= 10 { appendDecimal(value / 10, to: &buffer) }
        buffer.append(UInt8(48 + value % 10))
    }
}
