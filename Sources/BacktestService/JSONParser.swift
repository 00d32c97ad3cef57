/// A strict RFC 8259 parser: one value, no trailing garbage, no duplicate member names,
/// nesting bounded, numbers as IEEE doubles.
public enum JSONParser {
    /// Why a document was refused, with the byte offset.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        /// The document is well-formed so far but larger than the `Limits` allow.
        public var budgetExceeded = false
        public var description: String { "\(message) at byte \(offset)" }
    }

    public static let maxDepth = 64

    /// A document's budget, checked while parsing so a hostile body is refused before it is built.
    public struct Limits: Sendable, Equatable {
        /// Values of any kind (objects, arrays, members' values, scalars), the root included.
        public var maxElements: Int
        /// Bytes of string content, member names included, as received (escapes count as sent).
        public var maxStringBytes: Int

        public init(maxElements: Int = 500_000, maxStringBytes: Int = 1 << 20) {
            self.maxElements = maxElements
            self.maxStringBytes = maxStringBytes
        }

        /// For documents we wrote ourselves (stored requests and results).
        public static let unlimited = Limits(maxElements: .max, maxStringBytes: .max)
    }

    /// `Failure.budgetExceeded` is set when a `Limits` bound was passed (a 413, not a syntax error).
    public static func parse(_ bytes: [UInt8], limits: Limits = .unlimited) throws(Failure) -> JSONValue {
        var parser = State(bytes: bytes, limits: limits)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else {
            throw Failure(message: "unexpected data after the JSON value", offset: parser.index)
        }
        return value
    }

    public static func parse(_ text: String) throws(Failure) -> JSONValue { try parse(Array(text.utf8)) }

    private struct State {
        let bytes: [UInt8]
        let limits: Limits
        var index = 0
        var elements = 0
        var stringBytes = 0

        init(bytes: [UInt8], limits: Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        func fail(_ message: String) -> Failure { Failure(message: message, offset: index) }

        mutating func countElement() throws(Failure) {
            elements += 1
            guard elements <= limits.maxElements else {
                throw Failure(
                    message: "more than \(limits.maxElements) JSON values", offset: index, budgetExceeded: true)
            }
        }

        /// Counts the raw bytes of the string starting at `index` (its opening quote) once it ends at `end`.
        mutating func countString(from start: Int, to end: Int) throws(Failure) {
            stringBytes += end - start
            guard stringBytes <= limits.maxStringBytes else {
                throw Failure(
                    message: "more than \(limits.maxStringBytes) bytes of JSON strings", offset: start,
                    budgetExceeded: true)
            }
        }

        mutating func skipSpace() {
            while index < bytes.count,
                bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 10 || bytes[index] == 13
            {
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONParser.maxDepth else { throw fail("nesting too deep") }
            guard index < bytes.count else { throw fail("unexpected end of input") }
            try countElement()
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
            let utf8 = Array(word.utf8)
            guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
                throw fail("invalid literal")
            }
            index += utf8.count
            return value
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var members: [(String, JSONValue)] = []
            var seen = Set<String>()
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw fail("expected a member name")
                }
                let name = try string()
                guard seen.insert(name).inserted else { throw fail("duplicate member \"\(name)\"") }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipSpace()
                members.append((name, try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                index += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var values: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                skipSpace()
                values.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                index += 1
                return .array(values)
            }
        }

        mutating func number() throws(Failure) -> JSONValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid value") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
                throw Failure(message: "number out of range", offset: start)
            }
            return .number(value)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

        mutating func string() throws(Failure) -> String {
            let opening = index
            let text = try stringContent()
            try countString(from: opening + 1, to: index - 1)
            return text
        }

        mutating func stringContent() throws(Failure) -> String {
            let opening = index
            // Past this index the string alone would overrun the budget: refuse before building it.
            let remaining = limits.maxStringBytes - stringBytes
            let budgetEnd = remaining > bytes.count ? Int.max : opening + 1 + remaining
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ state: State, _ scalars: inout String.UnicodeScalarView) throws(Failure) {
                guard run < state.index else { return }
                guard let text = String(validating: state.bytes[run..<state.index], as: UTF8.self) else {
                    throw state.fail("invalid UTF-8 in string")
                }
                scalars.append(contentsOf: text.unicodeScalars)
            }
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                if index > budgetEnd { try countString(from: opening + 1, to: index) }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    try flush(self, &scalars)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw fail("control character in string") }
                if byte == UInt8(ascii: "\\") {
                    try flush(self, &scalars)
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        let unit = try hex4()
                        if unit >= 0xD800 && unit < 0xDC00 {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                bytes[index + 1] == UInt8(ascii: "u")
                            else { throw fail("lone surrogate") }
                            index += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw fail("lone surrogate") }
                            let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            guard let scalar = Unicode.Scalar(combined) else { throw fail("invalid escape") }
                            scalars.append(scalar)
                        } else {
                            guard let scalar = Unicode.Scalar(unit) else { throw fail("lone surrogate") }
                            scalars.append(scalar)
                        }
                    default: throw fail("invalid escape")
                    }
                    run = index
                    continue
                }
                index += 1
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte - 48)
                case 65...70: digit = UInt32(byte - 55)
                case 97...102: digit = UInt32(byte - 87)
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
