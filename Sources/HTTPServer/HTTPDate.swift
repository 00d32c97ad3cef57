import Glibc

/// IMF-fixdate (RFC 9110 §5.6.7) for the `Date` header, formatted at most once a second per loop.
struct HTTPDate {
    private var second: Int = -1
    private var cached: String = ""

    mutating func current(now: Int) -> String {
        if now != second {
            second = now
            var time = time_t(now)
            var parts = tm()
            gmtime_r(&time, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            cached =
                "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(1900 + parts.tm_year) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        }
        return cached
    }
}
