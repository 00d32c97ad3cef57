/// Decimal text to `Double`, rounding exactly as `Double(String)` does (correctly rounded), so
/// that bars read here match other tools bit for bit.
///
/// Plain decimals (`[+-]digits[.digits]`, at most 19 digits) whose digits as an integer fit in
/// 2^53 and that have at most 22 fraction digits take Clinger's fast path: both the integer
/// mantissa and the power of ten are exact doubles, so one IEEE division rounds correctly.
/// Everything else (longer mantissas, exponents, hex, `inf`/`nan`, stray bytes) goes to
/// `Double(String)` itself, which keeps its exact acceptance rules.
enum DecimalParser {
    static let exactMantissaLimit: UInt64 = 1 << 53
    static let maxExactPowerOfTen = 22

    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        fastPath(text) ?? Double(String(decoding: text, as: UTF8.self))
    }

    /// The value when the whole text is a plain decimal the fast path rounds exactly, else nil.
    static func fastPath(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = text.baseAddress else { return nil }
        var cursor = 0
        guard let value = plainPrefix(base, &cursor, text.count), cursor == text.count else { return nil }
        return value
    }

    /// The plain decimal starting at `cursor` (before `end`), with `cursor` moved past it; nil
    /// (cursor unchanged) when there is none or the fast path cannot round it exactly. The
    /// caller decides whether what follows ends the field.
    @inline(__always)
    static func plainPrefix(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) -> Double? {
        plainDecimal(base, &cursor, end)?.value
    }

    /// `plainPrefix`, with how many fraction digits the text had when `shortDecimal` read it
    /// (`BlockScales.unknown` when the general loop did).
    @inline(__always)
    static func plainDecimal(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) -> (
        value: Double, scale: UInt8
    )? {
        if let short = shortDecimal(base, &cursor, end) { return short }
        guard let value = generalDecimal(base, &cursor, end) else { return nil }
        return (value, BlockScales.unknown)
    }

    /// The general loop of `plainPrefix`: any plain decimal the fast path rounds exactly.
    @inline(never)
    static func generalDecimal(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) -> Double? {
        var index = cursor
        var negative = false
        if index < end && (base[index] == 45 || base[index] == 43) {
            negative = base[index] == 45
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = digitRun(base, &index, end, &mantissa)
        var fractionDigits = 0
        if index < end && base[index] == 46 {
            index += 1
            fractionDigits = digitRun(base, &index, end, &mantissa)
            digits += fractionDigits
        }
        // 19 digits (leading zeros included) cannot wrap a UInt64.
        guard digits > 0, digits <= 19, mantissa <= exactMantissaLimit, fractionDigits <= maxExactPowerOfTen else {
            return nil
        }
        cursor = index
        var value = Double(mantissa)
        if fractionDigits > 0 { value /= powerOfTen(fractionDigits) }
        return negative ? -value : value
    }

    /// The common price or volume, 1...7 digits with an optional point and 0...7 fraction digits
    /// (no sign), read with at most two loads and no loop when 16 bytes are readable from
    /// `cursor`, with its count of fraction digits; nil (cursor unchanged) for anything else, which
    /// the general loop then reads. Its mantissa is below 10^14, so the fast path's conditions
    /// hold and the value and cursor are the loop's.
    @inline(__always)
    static func shortDecimal(_ base: UnsafePointer<UInt8>, _ cursor: inout Int, _ end: Int) -> (
        value: Double, scale: UInt8
    )? {
        guard end - cursor >= 16 else { return nil }
        let raw = UnsafeRawPointer(base + cursor)
        let integerDigits = digitMask(raw.loadUnaligned(as: UInt64.self))
        guard integerDigits.count > 0, integerDigits.count < 8 else { return nil }
        let integer = eightDigits(integerDigits.values, integerDigits.count)
        guard raw.load(fromByteOffset: integerDigits.count, as: UInt8.self) == 46 else {
            cursor += integerDigits.count
            return (Double(integer), 0)
        }
        let fractionDigits = digitMask(raw.loadUnaligned(fromByteOffset: integerDigits.count + 1, as: UInt64.self))
        guard fractionDigits.count < 8 else { return nil }
        let mantissa =
            integer &* integerPowerOfTen(fractionDigits.count)
            &+ eightDigits(fractionDigits.values, fractionDigits.count)
        cursor += integerDigits.count + 1 + fractionDigits.count
        return (Double(mantissa) / powerOfTen(fractionDigits.count), UInt8(fractionDigits.count))
    }

    /// The digit values of `word`'s bytes (`byte − '0'`) and how many of its first bytes are digits.
    @inline(__always)
    static func digitMask(_ word: UInt64) -> (values: UInt64, count: Int) {
        let values = word &- 0x3030_3030_3030_3030
        let flags = (values | (values &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
        return (values, flags == 0 ? 8 : flags.trailingZeroBitCount >> 3)
    }

    /// The number the first `count` (0...8) digit values of `values` spell.
    @inline(__always)
    static func eightDigits(_ values: UInt64, _ count: Int) -> UInt64 {
        // The digits moved to the top bytes (leading zeros below them); none when count is 0.
        var value = count == 0 ? 0 : values << UInt64(8 * (8 - count))
        value = (value &* 10) &+ (value >> 8)
        return
            (((value & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32)))
            &+ (((value >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32)))) >> 32
    }

    /// Appends the decimal digits at `index` to `mantissa` (wrapping: callers reject more than
    /// 19 digits), moves `index` past them and returns how many there were.
    ///
    /// Eight bytes at a time where the buffer allows (SWAR): `t = word − 0x30…` holds each
    /// digit's value in its byte; `(t | (t + 0x76…)) & 0x80…` flags the bytes that are not
    /// digits (a borrow or carry only reaches bytes after a flagged one, which are not used).
    /// The digits before the first flag are shifted to the top and combined pairwise.
    @inline(__always)
    static func digitRun(
        _ base: UnsafePointer<UInt8>, _ index: inout Int, _ end: Int, _ mantissa: inout UInt64
    ) -> Int {
        let raw = UnsafeRawPointer(base)
        var count = 0
        while index + 8 <= end {
            let (t, run) = digitMask(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            guard run > 0 else { return count }
            mantissa = mantissa &* integerPowerOfTen(run) &+ eightDigits(t, run)
            index += run
            count += run
            if run < 8 { return count }
        }
        while index < end, case let digit = base[index] &- 48, digit < 10 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
            count += 1
        }
        return count
    }

    @inline(__always)
    static func integerPowerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    /// 10^exponent for 0...22, each exactly representable as a double.
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }
}
