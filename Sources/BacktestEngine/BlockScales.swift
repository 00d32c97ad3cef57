/// For each block of a chunk's rows (`blockBars` rows each, from row 0) and each value column
/// (open, high, low, close, volume), the most fraction digits any of its values was written with,
/// or `unknown` when one of them was not read by `DecimalParser.shortDecimal`. Storage codes a
/// column whose scale is known without searching for it (see `BarBlockCoding`).
public struct BlockScales: Sendable {
    public static let unknown: UInt8 = 0xFF
    public static let columns = 5

    public let blockBars: Int
    /// Block `b`, column `c` at `b * columns + c`.
    let scales: [UInt8]

    /// Column `column`'s scale in block `block` (`unknown` for a block it does not cover).
    public func scale(block: Int, column: Int) -> UInt8 {
        let index = block * Self.columns + column
        return block >= 0 && column >= 0 && column < Self.columns && index < scales.count ? scales[index] : Self.unknown
    }

    /// Scales for `capacity` rows, filled by `fill` through the tracker it is given.
    static func tracked<T>(capacity: Int, blockBars: Int, _ fill: (Tracker) -> T) -> (T, BlockScales) {
        let blocks = capacity / blockBars + 1
        var scales = [UInt8](repeating: 0, count: blocks.saturatingMultiplied(by: columns))
        let result = scales.withUnsafeMutableBufferPointer { buffer in
            fill(Tracker(base: buffer.baseAddress, limit: blocks, blockBars: blockBars))
        }
        return (result, BlockScales(blockBars: blockBars, scales: scales))
    }

    /// Records rows in order, from row 0: each takes the largest scale per column in its block.
    struct Tracker {
        let base: UnsafeMutablePointer<UInt8>?
        let limit: Int
        let blockBars: Int
        var block = 0
        var rowInBlock = 0

        @inline(__always)
        mutating func record(_ o: UInt8, _ h: UInt8, _ l: UInt8, _ c: UInt8, _ v: UInt8) {
            guard let base, block < limit else { return }
            let slot = base + block * BlockScales.columns
            slot[0] = max(slot[0], o)
            slot[1] = max(slot[1], h)
            slot[2] = max(slot[2], l)
            slot[3] = max(slot[3], c)
            slot[4] = max(slot[4], v)
            rowInBlock += 1
            if rowInBlock == blockBars {
                rowInBlock = 0
                block += 1
            }
        }
    }
}
