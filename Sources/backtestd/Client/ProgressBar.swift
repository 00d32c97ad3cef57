import Foundation

/// The progress line of `submit --follow` on a terminal: a bar, percent, ETA and bar-variants/s.
/// A pure function of its inputs, so it is tested apart from any terminal.
enum ProgressBar {
    static func render(percent: Double, etaSeconds: Double?, barVariantsPerSecond: Double?, width: Int = 30) -> String {
        let clamped = percent.isFinite ? min(100, max(0, percent)) : 0
        let filled = Int((clamped / 100 * Double(width)).rounded(.down))
        var text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
        text += String(format: "%5.1f%%", clamped)
        if let eta = etaSeconds, eta.isFinite, eta >= 0 { text += "  ETA " + duration(eta) }
        if let rate = barVariantsPerSecond, rate.isFinite, rate > 0 {
            text += "  " + rateText(rate) + " bar-variants/s"
        }
        return text
    }

    /// 75 s → "1m15s", 3725 s → "1h02m".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total / 60 % 60))m"
    }

    /// 1234 → "1.2k", 5.6e8 → "560.0M".
    static func rateText(_ rate: Double) -> String {
        switch rate {
        case 1e9...: return String(format: "%.1fG", rate / 1e9)
        case 1e6...: return String(format: "%.1fM", rate / 1e6)
        case 1e3...: return String(format: "%.1fk", rate / 1e3)
        default: return String(format: "%.0f", rate)
        }
    }
}
