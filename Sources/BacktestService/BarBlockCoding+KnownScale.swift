import BacktestEngine

/// Coding a price or volume column whose scale the parser saw (`BlockScales`): every value was
/// read from at most 14 digits with at most `widest` ≤ 7 fraction digits and no sign. This gives
/// the bytes `encodeDecimal` finds by trying scales on the doubles, without that search or its
/// division per value.
///
/// Why it is equal. Each value `v` is `M / 10^widest` correctly rounded, for the integer `M` its
/// text spells at that scale (below 10^14). So `v × 10^widest` is within `M × 2^-52 < 0.03` of
/// `M`, its rounding is `M`, and `M / 10^widest` gives back `v`: `encodeDecimal` accepts this
/// scale with these mantissas. If some `M` does not end in 0, it refuses every smaller scale: that
/// value is a decimal of at most 14 significant digits that no decimal with fewer fraction digits
/// equals, and two such decimals never round to the same double. If every `M` ends in 0, the same
/// holds one scale down with `M / 10`.
extension BarBlockCoding {
    /// The most fraction digits `DecimalParser.shortDecimal` reads.
    static let maxKnownScale = 7

    /// Writes `values` at the smallest scale `encodeDecimal` accepts, given that none was written
    /// with more than `widest` fraction digits; false (some bytes written) when the scale is not
    /// one this applies to.
    static func encodeKnownScale(_ values: UnsafeBufferPointer<Double>, widest: Int, into writer: inout ByteWriter)
        -> Bool
    {
        guard widest <= maxKnownScale else { return false }
        let start = writer.count
        var scale = widest
        while true {
            let power = powersOfTen[scale]
            writer.byte(UInt8(scale))
            var previous: Int64 = 0
            var allEndInZero = scale > 0
            for value in values {
                let scaled = value * power
                // Never true for the values this is given; keeps the conversion from trapping.
                guard scaled >= 0, scaled < 1e15 else { return false }
                let mantissa = Int64(scaled + 0.5)
                if allEndInZero { allEndInZero = mantissa % 10 == 0 }
                writer.shortVarint(zigzag(mantissa &- previous))
                previous = mantissa
            }
            guard allEndInZero else { return true }
            writer.count = start
            scale -= 1
        }
    }
}
