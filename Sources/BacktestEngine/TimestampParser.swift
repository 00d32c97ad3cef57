/// RFC 3339 date-times and epoch milliseconds to epoch milliseconds, without Foundation's
/// slow formatters (a million-bar file must parse in well under a second).
public enum TimestampParser {
    /// Epoch milliseconds carry at most this many digits (999,999,999,999,999 ms is year 33658),
    /// which keeps every value far inside `Int64`.
    public static let maxEpochDigits = 15

    public static func parseMilliseconds<Bytes: Collection>(_ field: Bytes) -> Int64? where Bytes.Element == UInt8 {
        let bytes = Array(field)
        return bytes.withUnsafeBufferPointer { parseMilliseconds($0) }
    }

    /// Epoch milliseconds (1–15 digits) or RFC 3339.
    public static func parseMilliseconds(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cache = DayCache()
        return parseMilliseconds(field, cache: &cache)
    }

    /// The last calendar date parsed and its day number: rows of one file mostly share their
    /// date with the row before, so its digits are validated and converted once.
    struct DayCache {
        var key: (UInt64, UInt16) = (0, 0)
        var days: Int64 = 0
        var valid = false
    }

    /// As `parseMilliseconds(_:)`, reusing the day number of the previous date (the CSV reader's
    /// per-row entry point).
    @inline(__always)
    static func parseMilliseconds(_ field: UnsafeBufferPointer<UInt8>, cache: inout DayCache) -> Int64? {
        guard !field.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in field {
            let digit = byte &- 48
            guard digit < 10 else { return parseRFC3339(field, cache: &cache) }
            // Wrapping: a value longer than 15 digits may wrap here but is discarded below.
            value = value &* 10 &+ Int64(digit)
        }
        return field.count <= maxEpochDigits ? value : nil
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; `t` or a space may separate date and time.
    public static func parseRFC3339(_ b: [UInt8]) -> Int64? {
        b.withUnsafeBufferPointer { parseRFC3339($0) }
    }

    /// As `parseRFC3339(_: [UInt8])`, on borrowed bytes. Offsets run from −23:59 to +23:59;
    /// fraction digits past milliseconds are checked but truncated.
    public static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cache = DayCache()
        return parseRFC3339(b, cache: &cache)
    }

    static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>, cache: inout DayCache) -> Int64? {
        guard b.count >= 20, let base = b.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let key = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        let days: Int64
        if cache.valid && cache.key == key {
            days = cache.days
        } else {
            guard let year = digits(b, 0, 4), b[4] == 45, let month = digits(b, 5, 2), b[7] == 45,
                let day = digits(b, 8, 2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
            else { return nil }
            days = Int64(daysFromCivil(year: year, month: month, day: day))
            cache = DayCache(key: key, days: days, valid: true)
        }
        guard b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = digits(b, 11, 2), b[13] == 58,
            let minute = digits(b, 14, 2), b[16] == 58, let second = digits(b, 17, 2), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if index < b.count && b[index] == 46 {
            index += 1
            var count = 0
            while index < b.count && b[index] &- 48 < 10 {
                if count < 3 { millis = millis * 10 + Int(b[index] &- 48) }
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            // Scale 1–2 fraction digits to milliseconds (a `count..<3` range would trap past 3).
            for _ in min(count, 3)..<3 { millis *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetMinutes = 0
        if b[index] == 90 || b[index] == 122 {
            index += 1
        } else if b[index] == 43 || b[index] == 45 {
            guard let offsetHours = digits(b, index + 1, 2), b.count > index + 3, b[index + 3] == 58,
                let offsetMins = digits(b, index + 4, 2), offsetHours < 24, offsetMins < 60
            else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetMins) * (b[index] == 45 ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        // Year ≤ 9999 bounds the days, seconds and milliseconds far below Int64's range; the
        // checked steps document that and would turn any slip into a rejection, never a trap.
        let clock = Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        let (daySeconds, o1) = days.multipliedReportingOverflow(by: 86_400)
        let (seconds, o2) = daySeconds.addingReportingOverflow(clock)
        let (milliseconds, o3) = seconds.multipliedReportingOverflow(by: 1000)
        let (result, o4) = milliseconds.addingReportingOverflow(Int64(millis))
        return o1 || o2 || o3 || o4 ? nil : result
    }

    /// The `count` (≤ 4) decimal digits at `from`, or nil when any is not a digit or missing.
    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var value = 0
        for index in from..<from + count {
            let digit = b[index] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// RFC 3339 text (UTC, `Z`) for epoch milliseconds; the fraction only when non-zero.
    public static func format(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millis = Int(milliseconds - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let (year, month, day) = civilFromDays(Int(days))
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))"
        if millis != 0 { text += "." + pad(millis, 3) }
        return text + "Z"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
