/// Bar periods the engine annualizes with.
public enum Timeframe: String, Sendable, CaseIterable {
    case m1 = "1m", m5 = "5m", m15 = "15m", h1 = "1h", h4 = "4h", d1 = "1d", w1 = "1w", mo1 = "1mo"

    /// The nominal bar length; a month is a twelfth of a 365-day year.
    public var seconds: Double {
        switch self {
        case .m1: 60
        case .m5: 300
        case .m15: 900
        case .h1: 3600
        case .h4: 14_400
        case .d1: 86_400
        case .w1: 604_800
        case .mo1: 365 * 86_400 / 12
        }
    }

    /// The named timeframe closest to a median bar step (within 20%), if any.
    public static func infer(stepSeconds: Double) -> Timeframe? {
        guard stepSeconds > 0 else { return nil }
        return allCases.min { abs($0.seconds / stepSeconds - 1) < abs($1.seconds / stepSeconds - 1) }
            .flatMap { abs($0.seconds / stepSeconds - 1) <= 0.2 ? $0 : nil }
    }
}
