/// How a grid run is cut into chunks that any node may claim: contiguous variant ranges of about
/// `barVariantsPerChunk` bar evaluations each (≈1–2 s of one engine thread at the default), as
/// even as integer division allows. Derived from the request alone (variants and bars), never
/// from timing or the node count, so every claim of the run cuts it the same way.
enum ChunkPlan {
    static func ranges(variants: Int, bars: Int, barVariantsPerChunk: Int) -> [Range<Int>] {
        guard variants > 0 else { return [] }
        let perChunk = max(1, max(1, barVariantsPerChunk) / max(1, bars))
        let count = variants / perChunk + (variants % perChunk == 0 ? 0 : 1)
        // Chunk i spans [variants·i/count, variants·(i+1)/count): sizes differ by at most one.
        // `variants` is at most max_grid_variants (10⁸), so the products stay far from overflow.
        return (0..<count).map { index in
            let lower = variants.multipliedReportingOverflow(by: index).partialValue / count
            let upper = variants.multipliedReportingOverflow(by: index + 1).partialValue / count
            return lower..<upper
        }
    }
}
