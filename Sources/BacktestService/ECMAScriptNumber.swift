/// `Number.prototype.toString()` (ECMA-262 §6.1.6.1.20), as RFC 8785 §3.2.2.3 requires.
///
/// Swift's `description` already yields the shortest digit string that round-trips (and the
/// closest one among those); only the layout differs, so the digits and the decimal exponent
/// are read from it and laid out by the ECMAScript rules.
public enum ECMAScriptNumber {
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }  // also -0
        let negative = value < 0
        let (digits, pointPosition) = decompose(abs(value))
        let k = digits.count
        let n = pointPosition
        var text: String
        if k <= n && n <= 21 {
            text = digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            text = digits[..<split] + "." + digits[split...]
        } else if -6 < n && n <= 0 {
            text = "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            let sign = exponent >= 0 ? "+" : "-"
            let mantissa = k == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
            text = mantissa + "e" + sign + String(abs(exponent))
        }
        return negative ? "-" + text : text
    }

    /// Significant digits `s` (no leading or trailing zeros) and `n` with value = 0.s × 10ⁿ.
    static func decompose(_ value: Double) -> (String, Int) {
        let description = value.description
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fraction
        var point = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (digits.isEmpty ? "0" : digits, point)
    }
}
