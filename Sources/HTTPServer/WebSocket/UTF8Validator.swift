/// Checks UTF-8 as it arrives, a piece at a time (RFC 3629): a text message is refused at the
/// first byte that cannot continue a valid sequence, not only once the message is whole.
struct UTF8Validator: Sendable {
    /// Continuation bytes the current character still needs.
    private var needed = 0
    /// The range the next continuation byte must fall in (narrower after E0, ED, F0 and F4, which
    /// rule out overlong forms, surrogates and code points past U+10FFFF).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// True when no character is left half-way.
    var isComplete: Bool { needed == 0 }

    /// Consumes `bytes`; false as soon as they cannot be part of valid UTF-8.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            if needed == 0 {
                // ASCII runs eight bytes at a time.
                while index + 8 <= count,
                    bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                }
                guard index < count else { break }
            }
            let byte = bytes[index]
            index += 1
            if needed > 0 {
                guard byte >= lower && byte <= upper else { return false }
                needed -= 1
                (lower, upper) = (0x80, 0xBF)
                continue
            }
            switch byte {
            case 0x00...0x7F: continue
            case 0xC2...0xDF: needed = 1
            case 0xE0: (needed, lower) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: needed = 2
            case 0xED: (needed, upper) = (2, 0x9F)
            case 0xF0: (needed, lower) = (3, 0x90)
            case 0xF1...0xF3: needed = 3
            case 0xF4: (needed, upper) = (3, 0x8F)
            default: return false
            }
        }
        return true
    }

    /// Whether `bytes` alone are complete, valid UTF-8.
    static func isValid<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var validator = UTF8Validator()
        let valid = Array(bytes).withUnsafeBytes { validator.consume($0) }
        return valid && validator.isComplete
    }
}
