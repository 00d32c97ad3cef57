/// A push parser for the frames a client sends (RFC 6455 §5): bytes in, events out, no I/O.
///
/// It unmasks, joins fragments into messages, checks text as UTF-8 while it arrives and applies
/// the size limits before buffering a byte of an oversized frame. Any slicing of the input gives
/// the same events. After `.failure` or `.close` it ignores further input.
public struct WebSocketFrameParser: Sendable {
    public struct Limits: Sendable {
        /// Largest payload of one frame.
        public var maxFrameBytes: Int
        /// Largest message, all its fragments together.
        public var maxMessageBytes: Int

        public init(maxFrameBytes: Int = 1 << 20, maxMessageBytes: Int = 1 << 20) {
            self.maxFrameBytes = maxFrameBytes
            self.maxMessageBytes = maxMessageBytes
        }
    }

    public enum Event: Sendable, Equatable {
        case message(WebSocketMessage)
        case ping([UInt8])
        case pong([UInt8])
        /// The peer's close frame: its code (nil when it sent none) and reason.
        case close(code: UInt16?, reason: String)
        /// The peer broke the protocol: close with `code`.
        case failure(code: UInt16, reason: String)
    }

    private struct FrameHeader {
        var final: Bool
        var opcode: WebSocketOpcode
        var length: Int
        var mask: UInt32
    }

    private enum State {
        case header
        case payload(FrameHeader, remaining: Int)
        case stopped
    }

    public let limits: Limits
    private var state = State.header
    private var headerBytes: [UInt8] = []
    /// Bytes of the current frame's payload already unmasked (the mask position continues from it).
    private var maskOffset = 0
    private var control: [UInt8] = []
    /// The message being assembled from fragments, and its opcode (nil between messages).
    private var message: [UInt8] = []
    private var messageOpcode: WebSocketOpcode?
    private var utf8 = UTF8Validator()

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        let events = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0)) }
        return events ?? Array(bytes).withUnsafeBytes { feed($0) }
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        var index = 0
        while index < bytes.count {
            switch state {
            case .stopped:
                return events
            case .header:
                headerBytes.append(bytes[index])
                index += 1
                if let event = headerStep() { events.append(event) }
            case .payload(let header, let remaining):
                let take = min(remaining, bytes.count - index)
                if let event = payload(header, UnsafeRawBufferPointer(rebasing: bytes[index..<index + take])) {
                    events.append(event)
                }
                index += take
                if case .payload = state { state = .payload(header, remaining: remaining - take) }
                if remaining == take, case .payload = state, let event = endFrame(header) { events.append(event) }
            }
        }
        return events
    }

    // MARK: header

    /// Examines the header bytes so far; the header is refused as soon as a byte proves it bad.
    private mutating func headerStep() -> Event? {
        let first = headerBytes[0]
        if headerBytes.count == 1 {
            if first & 0x70 != 0 {
                return fail(WebSocketCloseCode.protocolError, "reserved bits set (no extension was agreed)")
            }
            guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
                return fail(WebSocketCloseCode.protocolError, "reserved opcode \(first & 0x0F)")
            }
            let final = first & 0x80 != 0
            if opcode.isControl && !final { return fail(WebSocketCloseCode.protocolError, "fragmented control frame") }
            if opcode == .continuation && messageOpcode == nil {
                return fail(WebSocketCloseCode.protocolError, "continuation frame without a message to continue")
            }
            if (opcode == .text || opcode == .binary) && messageOpcode != nil {
                return fail(WebSocketCloseCode.protocolError, "new message before the previous one ended")
            }
            return nil
        }
        let second = headerBytes[1]
        guard second & 0x80 != 0 else { return fail(WebSocketCloseCode.protocolError, "client frames must be masked") }
        let shortLength = Int(second & 0x7F)
        let extended = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        guard headerBytes.count == 2 + extended + 4 else { return nil }
        var length = UInt64(shortLength)
        if extended > 0 {
            length = headerBytes[2..<2 + extended].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let mask = headerBytes[(2 + extended)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        headerBytes.removeAll(keepingCapacity: true)
        // Known to be valid: checked when the first byte arrived.
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { return nil }
        if length >> 63 != 0 { return fail(WebSocketCloseCode.protocolError, "frame length has its top bit set") }
        if opcode.isControl && length > 125 {
            return fail(WebSocketCloseCode.protocolError, "control frame longer than 125 bytes")
        }
        if length > UInt64(limits.maxFrameBytes) {
            return fail(WebSocketCloseCode.messageTooBig, "frame larger than \(limits.maxFrameBytes) bytes")
        }
        let size = Int(length)
        if !opcode.isControl && size > limits.maxMessageBytes - message.count {
            return fail(WebSocketCloseCode.messageTooBig, "message larger than \(limits.maxMessageBytes) bytes")
        }
        let header = FrameHeader(final: first & 0x80 != 0, opcode: opcode, length: size, mask: mask)
        if opcode == .text || opcode == .binary { messageOpcode = opcode }
        maskOffset = 0
        control.removeAll(keepingCapacity: true)
        if size == 0 { return endFrame(header) }
        state = .payload(header, remaining: size)
        return nil
    }

    // MARK: payload

    /// Unmasks a piece of the payload into the control or message buffer.
    private mutating func payload(_ header: FrameHeader, _ piece: UnsafeRawBufferPointer) -> Event? {
        let phase = maskOffset & 3
        maskOffset &+= piece.count
        if header.opcode.isControl {
            let start = control.count
            control.append(contentsOf: piece)
            control.withUnsafeMutableBytes { Self.unmask($0, from: start, key: header.mask, phase: phase) }
            return nil
        }
        let start = message.count
        message.append(contentsOf: piece)
        let isText = messageOpcode == .text
        var validator = utf8
        let valid = message.withUnsafeMutableBytes { buffer -> Bool in
            Self.unmask(buffer, from: start, key: header.mask, phase: phase)
            return !isText || validator.consume(UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
        utf8 = validator
        return valid ? nil : fail(WebSocketCloseCode.invalidPayload, "text message is not valid UTF-8")
    }

    /// XORs `buffer[start...]` with the mask key, its rotation starting at `phase`; whole words at
    /// a time where it can.
    private static func unmask(_ buffer: UnsafeMutableRawBufferPointer, from start: Int, key: UInt32, phase: Int) {
        let keyBytes: [UInt8] = [
            UInt8(truncatingIfNeeded: key >> 24), UInt8(truncatingIfNeeded: key >> 16),
            UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key),
        ]
        var index = start
        var phase = phase
        while index < buffer.count && phase != 0 {
            buffer[index] ^= keyBytes[phase]
            phase = (phase + 1) & 3
            index += 1
        }
        // Aligned with the key again: one 64-bit word holds it twice, in memory order.
        let word = keyBytes.withUnsafeBytes { key in
            UInt64(key.loadUnaligned(as: UInt32.self)) | UInt64(key.loadUnaligned(as: UInt32.self)) << 32
        }
        while index + 8 <= buffer.count {
            let value = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ word
            buffer.storeBytes(of: value, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < buffer.count {
            buffer[index] ^= keyBytes[phase]
            phase = (phase + 1) & 3
            index += 1
        }
    }

    /// The frame's payload is complete.
    private mutating func endFrame(_ header: FrameHeader) -> Event? {
        state = .header
        switch header.opcode {
        case .ping: return .ping(control)
        case .pong: return .pong(control)
        case .close: return closeEvent()
        case .continuation, .text, .binary:
            guard header.final, let opcode = messageOpcode else { return nil }
            if opcode == .text && !utf8.isComplete {
                return fail(WebSocketCloseCode.invalidPayload, "text message ends inside a UTF-8 sequence")
            }
            let bytes = message
            message = []
            messageOpcode = nil
            utf8 = UTF8Validator()
            return .message(opcode == .text ? .text(String(decoding: bytes, as: UTF8.self)) : .binary(bytes))
        }
    }

    /// The peer's close frame: no payload, or a valid code and a UTF-8 reason.
    private mutating func closeEvent() -> Event {
        state = .stopped
        guard !control.isEmpty else { return .close(code: nil, reason: "") }
        guard control.count >= 2 else { return fail(WebSocketCloseCode.protocolError, "close frame of one byte") }
        let code = UInt16(control[0]) << 8 | UInt16(control[1])
        guard WebSocketCloseCode.isValidOnWire(code) else {
            return fail(WebSocketCloseCode.protocolError, "invalid close code \(code)")
        }
        let reason = control[2...]
        guard UTF8Validator.isValid(reason) else {
            return fail(WebSocketCloseCode.invalidPayload, "close reason is not valid UTF-8")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }

    private mutating func fail(_ code: UInt16, _ reason: String) -> Event {
        state = .stopped
        message = []
        control = []
        return .failure(code: code, reason: reason)
    }
}
