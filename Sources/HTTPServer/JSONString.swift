/// Minimal JSON string quoting (RFC 8259 §7) for the envelopes and log lines the server writes itself.
public enum JSONString {
    /// Appends `text` as a quoted JSON string to UTF-8 bytes.
    public static func append(_ text: String, to buffer: inout [UInt8]) {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            buffer.append(0x22)
            buffer.append(contentsOf: text.utf8)
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: quote(text).utf8)
        }
    }

    /// `text` as a quoted JSON string.
    public static func quote(_ text: String) -> String {
        // Most log fields (paths, ids, methods) need no escaping: skip the per-scalar walk.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + text + "\"" }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
