import BacktestEngine
import Foundation

/// Opaque, unguessable ids (random 128 bits) and RFC 3339 UTC timestamps.
public enum Identifiers {
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return prefix + hex(generator.next()) + hex(generator.next())
    }

    /// Now, as `2024-01-02T03:04:05.678Z` (always with milliseconds, so the strings sort).
    public static func now() -> String {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let text = TimestampParser.format(milliseconds: milliseconds)
        return text.contains(".") ? text : String(text.dropLast()) + ".000Z"
    }
}
