import BacktestEngine

/// Coding a column from the decimal text it was parsed from (`ParsedDecimals`), which gives the
/// bytes `encodeDecimal` would find by trying scales on the doubles, without that search and
/// its division per value. It is taken only where that equality is proven, else the doubles are
/// coded as before, so the stored blob never depends on which way was taken.
///
/// Why it is equal: let `s` be the smallest scale at which every value is `M / 10^s` for an
/// integer `M` (found from the text), and require every `|M| < 10^15`.
/// - At `s`, `encodeDecimal` accepts and finds the same `M`s: the double `v` is `M / 10^s`
///   correctly rounded (what the parser computed), so `v × 10^s` is within `|M| × 2^-52 < 0.25`
///   of `M` and its candidate rounds to `M`; and `M / 10^s` gives back `v`'s bits.
/// - Below `s` it refuses: some value's `M` does not end in 0, so it is a decimal of at most 15
///   significant digits that no decimal with fewer fraction digits (and so also at most 15
///   significant digits) equals, and two such decimals never round to the same double.
extension BarBlockCoding {
    /// Mantissas at the chosen scale must stay below this for the proof above (10^15 < 2^50).
    static let parsedMantissaLimit: Int64 = 1_000_000_000_000_000

    static let integerPowersOfTen: [Int64] = (0...15).map { exponent in
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Writes the values whose packed decimals are `packed[range]` as `encodeDecimal` would at
    /// the first scale it accepts; false, with some bytes written, when the decimals cannot
    /// prove what that is (a value read another way, or mantissas too long).
    static func encodeParsed(_ packed: UnsafePointer<Int64>, _ range: Range<Int>, into writer: inout ByteWriter)
        -> Bool
    {
        var widest = 0
        for row in range {
            guard packed[row] != ParsedDecimals.unknown else { return false }
            widest = max(widest, ParsedDecimals.scale(packed[row]))
        }
        let scale = widest - sharedTrailingZeros(packed, range, widest: widest)
        writer.byte(UInt8(scale))
        var previous: Int64 = 0
        for row in range {
            guard let mantissa = mantissa(packed[row], atScale: scale) else { return false }
            // Below 10^15 < 2^50, so changes are below 2^51 and their zigzag below 2^52.
            writer.shortVarint(zigzag(mantissa &- previous))
            previous = mantissa
        }
        return true
    }

    /// How many trailing zeros every value has when written with `widest` fraction digits (at
    /// most `widest`): typically none, found at the first value.
    private static func sharedTrailingZeros(_ packed: UnsafePointer<Int64>, _ range: Range<Int>, widest: Int) -> Int {
        var shared = widest
        for row in range where shared > 0 {
            let padding = widest - ParsedDecimals.scale(packed[row])
            var mantissa = ParsedDecimals.mantissa(packed[row])
            guard padding < shared, mantissa != 0 else { continue }
            var zeros = padding
            while zeros < shared && mantissa % 10 == 0 {
                mantissa /= 10
                zeros += 1
            }
            shared = zeros
        }
        return shared
    }

    /// The value's mantissa at `scale` (which its decimal is known to fit), or nil when it is
    /// not below `parsedMantissaLimit`.
    @inline(__always)
    private static func mantissa(_ packed: Int64, atScale scale: Int) -> Int64? {
        let own = ParsedDecimals.scale(packed)
        var mantissa = ParsedDecimals.mantissa(packed)
        guard mantissa != 0 else { return 0 }
        if own > scale {
            // The shared trailing zeros, at most 15 (a mantissa below 2^53 has at most 16
            // digits): an exact division.
            mantissa /= integerPowersOfTen[own - scale]
        } else if own < scale {
            guard scale - own < integerPowersOfTen.count else { return nil }
            let (product, overflow) = mantissa.multipliedReportingOverflow(by: integerPowersOfTen[scale - own])
            guard !overflow else { return nil }
            mantissa = product
        }
        return mantissa.magnitude < parsedMantissaLimit.magnitude ? mantissa : nil
    }
}
