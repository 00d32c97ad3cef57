/// Serializes `JSONValue`: compact in member order, or canonical per RFC 8785 (JCS).
public enum JSONWriter {
    /// Compact JSON in the members' own order (numbers in the JCS/ECMAScript form).
    public static func compact(_ value: JSONValue) -> String {
        var out = ""
        write(value, canonical: false, into: &out)
        return out
    }

    /// RFC 8785: members sorted by UTF-16 code units, ECMAScript number form, minimal escapes.
    public static func canonical(_ value: JSONValue) -> String {
        var out = ""
        write(value, canonical: true, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, canonical: Bool, into out: inout String) {
        switch value {
        case .raw(let text):
            if canonical, let parsed = try? JSONParser.parse(text) {
                write(parsed, canonical: true, into: &out)
            } else {
                out += text
            }
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += ECMAScriptNumber.format(number)
        case .string(let text): writeString(text, into: &out)
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                write(element, canonical: canonical, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            // RFC 8785 §3.2.3: sort by the UTF-16 code units of the names.
            let ordered = canonical ? members.sorted { $0.0.utf16.lexicographicallyPrecedes($1.0.utf16) } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += "," }
                writeString(member.0, into: &out)
                out += ":"
                write(member.1, canonical: canonical, into: &out)
            }
            out += "}"
        }
    }

    /// RFC 8785 §3.2.2.2: escape only `"`, `\` and controls; the short forms where JSON has them.
    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
