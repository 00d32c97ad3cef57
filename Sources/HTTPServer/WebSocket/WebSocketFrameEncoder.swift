/// Server frames (RFC 6455 §5.2): never masked, always final (messages are not fragmented).
enum WebSocketFrameEncoder {
    /// One frame of `opcode` carrying `payload`.
    static func frame<Payload: Collection>(_ opcode: WebSocketOpcode, _ payload: Payload) -> [UInt8]
    where Payload.Element == UInt8 {
        let count = payload.count
        var frame: [UInt8] = []
        frame.reserveCapacity(count + 10)
        frame.append(0x80 | opcode.rawValue)
        if count < 126 {
            frame.append(UInt8(count))
        } else if count <= Int(UInt16.max) {
            frame.append(126)
            frame.append(UInt8(truncatingIfNeeded: count >> 8))
            frame.append(UInt8(truncatingIfNeeded: count))
        } else {
            frame.append(127)
            for shift in stride(from: 56, through: 0, by: -8) {
                frame.append(UInt8(truncatingIfNeeded: count >> shift))
            }
        }
        frame.append(contentsOf: payload)
        return frame
    }

    static func message(_ message: WebSocketMessage) -> [UInt8] {
        switch message {
        case .text(let text): return frame(.text, text.utf8)
        case .binary(let bytes): return frame(.binary, bytes)
        }
    }

    /// A close frame with `code` and `reason`, the reason cut to fit the 125-byte control payload
    /// at a character boundary (a cut inside a character would make the frame invalid UTF-8).
    static func close(code: UInt16, reason: String) -> [UInt8] {
        var payload: [UInt8] = [UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code)]
        var room = 123
        for character in reason {
            let bytes = Array(String(character).utf8)
            guard bytes.count <= room else { break }
            payload.append(contentsOf: bytes)
            room -= bytes.count
        }
        return frame(.close, payload)
    }
}
