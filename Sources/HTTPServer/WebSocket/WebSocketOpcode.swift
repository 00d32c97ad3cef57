/// Frame opcodes (RFC 6455 §5.2); the others are reserved and refused.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong: at most 125 bytes, never fragmented, may arrive between fragments.
    var isControl: Bool { rawValue & 0x8 != 0 }
}

/// Close status codes (RFC 6455 §7.4) the server sends or checks.
public enum WebSocketCloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    /// Never on the wire: a close frame without a code.
    public static let noStatus: UInt16 = 1005
    /// Never on the wire: the connection dropped without a close frame.
    public static let abnormal: UInt16 = 1006
    public static let invalidPayload: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let messageTooBig: UInt16 = 1009
    public static let internalError: UInt16 = 1011

    /// Whether a peer may send `code` in a close frame: the codes RFC 6455 defines for the wire
    /// (1000–1003, 1007–1011) and the ranges for libraries and applications (3000–4999). 1004–1006
    /// and 1015 are reserved or never sent; the rest of 1000–2999 is unassigned.
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }
}

/// A whole message as the application sees it.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])

    var byteCount: Int {
        switch self {
        case .text(let text): return text.utf8.count
        case .binary(let bytes): return bytes.count
        }
    }
}
