import Foundation

/// A frame as the server sent it.
public struct ReceivedFrame: Sendable {
    public let fin: Bool
    public let opcode: UInt8
    public let payload: [UInt8]

    public var text: String { String(decoding: payload, as: UTF8.self) }
    /// The code of a close frame (nil when it carries none).
    public var closeCode: UInt16? {
        payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
    }
}

/// Opcodes, spelled out for tests.
public enum Op {
    public static let continuation: UInt8 = 0
    public static let text: UInt8 = 1
    public static let binary: UInt8 = 2
    public static let close: UInt8 = 8
    public static let ping: UInt8 = 9
    public static let pong: UInt8 = 10
}

/// A client frame: masked (unless told otherwise) with `key`.
public func clientFrame(
    _ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, masked: Bool = true,
    key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
) -> [UInt8] {
    var frame: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0F]
    let maskBit: UInt8 = masked ? 0x80 : 0
    if payload.count < 126 {
        frame.append(maskBit | UInt8(payload.count))
    } else if payload.count <= 65535 {
        frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    } else {
        frame.append(maskBit | 127)
        for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
    }
    guard masked else { return frame + payload }
    frame += key
    frame += payload.enumerated().map { $0.element ^ key[$0.offset & 3] }
    return frame
}

public func clientFrame(_ opcode: UInt8, _ text: String, fin: Bool = true) -> [UInt8] {
    clientFrame(opcode, Array(text.utf8), fin: fin)
}

/// A close payload: the code big-endian, then the reason.
public func closePayload(_ code: UInt16, _ reason: String = "") -> [UInt8] {
    [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
}

extension TestClient {
    /// The sample key of RFC 6455 §1.3 (its accept value is `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`).
    public static let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

    /// Sends an upgrade request for `path` and reads the response (head only for a 101).
    public func upgrade(_ path: String, headers: [String]? = nil, extra: [String] = []) throws -> Response {
        let standard = [
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(Self.sampleKey)",
            "Sec-WebSocket-Version: 13",
        ]
        try send(rawRequest(path, headers: (headers ?? standard) + extra))
        return try readResponse()
    }

    /// Reads one server frame (servers never mask).
    public func readFrame() throws -> ReceivedFrame {
        let head = try readExactly(2)
        guard head[1] & 0x80 == 0 else { throw Failure(message: "the server masked a frame") }
        var length = Int(head[1] & 0x7F)
        if length == 126 {
            length = try readExactly(2).reduce(0) { $0 << 8 | Int($1) }
        } else if length == 127 {
            length = try readExactly(8).reduce(0) { $0 << 8 | Int($1) }
        }
        return ReceivedFrame(fin: head[0] & 0x80 != 0, opcode: head[0] & 0x0F, payload: try readExactly(length))
    }

    /// Reads frames until one that is not a ping or pong.
    public func readDataOrClose() throws -> ReceivedFrame {
        while true {
            let frame = try readFrame()
            if frame.opcode != Op.ping && frame.opcode != Op.pong { return frame }
        }
    }
}
