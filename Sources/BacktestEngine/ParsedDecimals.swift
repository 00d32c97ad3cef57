/// The decimal text each price and volume of a parsed chunk was read from, kept beside its double
/// so that storage can code the decimal as written instead of recovering it from the double (see
/// `BarBlockCoding`).
///
/// A value is packed as `mantissa × 32 + scale`: the double is `mantissa / 10^scale` correctly
/// rounded, with `|mantissa| ≤ 2^53` and `scale ≤ 22`. `unknown` marks a value read any other way
/// (exponents, spaces, long mantissas: the general path) and `-0`, whose sign the pair cannot hold.
public struct ParsedDecimals: Sendable {
    public static let unknown = Int64.min
    /// The five value columns in series order: open, high, low, close, volume.
    public static let columns = 5

    /// Column `c`, row `r` is at `c * stride + r` (rows past `rows` are not values).
    public let packed: [Int64]
    public let stride: Int
    public let rows: Int

    public init(packed: [Int64], stride: Int, rows: Int) {
        self.packed = packed
        self.stride = stride
        self.rows = rows
    }

    @inline(__always)
    public static func mantissa(_ packed: Int64) -> Int64 { packed >> 5 }

    @inline(__always)
    public static func scale(_ packed: Int64) -> Int { Int(packed & 31) }
}
