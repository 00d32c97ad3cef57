/// What a grid run produces.
public struct GridOutcome: Sendable {
    /// The best variants, in rank order.
    public let top: [RankedVariant]
    /// Every evaluated variant's total return [%], in evaluation order.
    public let totalReturns: [Double]
    /// Every evaluated variant's value of the ranking objective (NaN: none), in evaluation order:
    /// what a ranking across several datasets aggregates.
    public let scores: [Double]
    public let evaluated: Int
}

/// Evaluates many variants over one series, split across cores in chunks.
///
/// Variants are taken in chunks; each chunk walks the series in time blocks whose SMA rows
/// (one per distinct window of the chunk) are computed once and shared by the chunk's
/// variants. Each variant's arithmetic is independent of the chunking and of the core count,
/// so the output is identical for any `workers`.
public struct GridRunner: Sendable {
    public var workers: Int
    /// Variants per chunk (bounds memory: one simulator state each).
    public var chunkVariants = 4096
    /// Bytes of SMA rows per block.
    public var blockBytes = 16 << 20
    /// Bytes of SMA rows per block when each chunk computes its own: small enough that the rows
    /// stay in a core's L2 cache while every variant of the chunk reads its two of them.
    public var cachedBlockBytes = 1 << 20
    /// Bar-variants per step between progress reports and cancellation checks (≈15 ms of work
    /// on one core of this machine class); blocks shrink to keep a step at most this size.
    public var stepBarVariants = 8_000_000
    /// Where the parallel loops run.
    public var executor: any ParallelExecutor = DispatchExecutor()

    public init(workers: Int) {
        self.workers = max(1, workers)
    }

    /// Runs strategy parameter sets, each with the risk and execution values of `settings`.
    public func run(
        _ parameters: [DualSMAParameters], keys: @Sendable (DualSMAParameters) -> String, on data: PreparedSeries,
        settings: BacktestSettings, topK: Int, ranking: Ranking = Ranking(),
        progress: (GridProgress) -> Void = { _ in },
        isCancelled: () -> Bool = { false }, leaderChanged: (RankedVariant) -> Void = { _ in }
    ) throws(EngineError) -> GridOutcome {
        try run(
            parameters.map { GridVariant(parameters: $0, settings: settings) }, keys: { keys($0.parameters) },
            on: data, settings: settings, topK: topK, ranking: ranking, progress: progress, isCancelled: isCancelled,
            leaderChanged: leaderChanged)
    }

    /// Runs `variants` (each on `settings` with its own risk and execution values); `progress`
    /// reports bar-variants done and `isCancelled` is checked between steps of at most a few tens
    /// of milliseconds.
    public func run(
        _ variants: [GridVariant], keys: @Sendable (GridVariant) -> String, on data: PreparedSeries,
        settings: BacktestSettings, topK: Int, ranking: Ranking = Ranking(),
        progress: (GridProgress) -> Void = { _ in },
        isCancelled: () -> Bool = { false }, leaderChanged: (RankedVariant) -> Void = { _ in }
    ) throws(EngineError) -> GridOutcome {
        let n = data.count
        var top = TopK(capacity: topK, ranking: ranking)
        var totalReturns = [Double](repeating: .nan, count: variants.count)
        var scores = [Double](repeating: .nan, count: variants.count)
        let totalWork = variants.count.saturatingMultiplied(by: n)
        var done = 0
        var leaderIndex = -1
        var chunkStart = 0
        // When every window's whole SMA row fits the block budget, compute the rows once for all chunks.
        // Keyed by window alone: variants differing only in risk and execution share every row.
        let allWindows = Array(Set(variants.flatMap { [$0.parameters.fast, $0.parameters.slow] })).sorted()
        let shared =
            allWindows.count.saturatingMultiplied(by: n).saturatingMultiplied(by: 8) <= blockBytes
            ? SMATable(windows: allWindows, data: data, range: 0..<n, workers: workers, executor: executor) : nil
        // With shared rows a chunk walks the whole series in one step: size it to one step of work.
        let chunkSize = shared == nil ? chunkVariants : max(1, min(chunkVariants, stepBarVariants / max(1, n)))
        while chunkStart < variants.count {
            let chunkEnd = min(variants.count, chunkStart + chunkSize)
            let chunk = Array(variants[chunkStart..<chunkEnd])
            let metrics = try runChunk(
                chunk, data: data, settings: settings, shared: shared,
                progress: { bars in
                    progress(
                        GridProgress(
                            done: done.saturatingAdding(bars.saturatingMultiplied(by: chunk.count)), total: totalWork,
                            barsReached: bars))
                }, isCancelled: isCancelled)
            for (offset, metric) in metrics.enumerated() {
                let index = chunkStart + offset
                totalReturns[index] = metric.totalReturnPct
                scores[index] = ranking.objective.value(metric) ?? .nan
                guard top.admits(metric) else { continue }
                top.offer(
                    RankedVariant(
                        variantIndex: index, variant: variants[index], variantKey: keys(variants[index]),
                        metrics: metric))
            }
            done += chunk.count * n
            chunkStart = chunkEnd
            if let leader = top.items.first, leader.variantIndex != leaderIndex, chunkStart < variants.count {
                leaderIndex = leader.variantIndex
                leaderChanged(leader)
            }
        }
        progress(GridProgress(done: totalWork, total: totalWork, barsReached: n))
        return GridOutcome(top: top.items, totalReturns: totalReturns, scores: scores, evaluated: variants.count)
    }

    private func runChunk(
        _ chunk: [GridVariant], data: PreparedSeries, settings: BacktestSettings, shared: SMATable?,
        progress: (Int) -> Void, isCancelled: () -> Bool
    ) throws(EngineError) -> [VariantMetrics] {
        let n = data.count
        let windows = Array(Set(chunk.flatMap { [$0.parameters.fast, $0.parameters.slow] })).sorted()
        // Shared rows cover the whole series; a chunk still walks it in steps of at most
        // `stepBarVariants` (one variant over many millions of bars reports progress and sees a
        // cancellation on the way, not only at the end).
        let stepBars = max(1024, stepBarVariants / max(1, chunk.count))
        let blockLength =
            shared.map { _ in min(n, stepBars) }
            ?? max(1024, min(n, min(blockBytes, cachedBlockBytes) / 8 / max(1, windows.count), stepBars))
        var simulators = chunk.map { VariantSimulator(parameters: $0.parameters, settings: $0.settings(settings)) }
        let parallelism = min(workers, chunk.count)
        var blockStart = 0
        while blockStart < n {
            if isCancelled() { throw EngineError.cancelled }
            let block = blockStart..<min(n, blockStart + blockLength)
            let table =
                shared ?? SMATable(windows: windows, data: data, range: block, workers: workers, executor: executor)
            simulators.withUnsafeMutableBufferPointer { buffer in
                let states = DisjointBuffer(buffer)
                let rows = chunk
                executor.forEach(parallelism) { part in
                    var recorder = NoRecorder()
                    for index in Self.slice(rows.count, part: part, of: parallelism) {
                        let parameters = rows[index].parameters
                        states.base[index].advance(
                            data: data, range: block, fast: table.row(parameters.fast),
                            slow: table.row(parameters.slow),
                            base: table.range.lowerBound, recorder: &recorder)
                    }
                }
            }
            progress(block.upperBound)
            blockStart = block.upperBound
        }
        if isCancelled() { throw EngineError.cancelled }
        return simulators.indices.map { simulators[$0].finish(data: data) }
    }

    /// Contiguous share `part` of `count` items split into `parts`.
    private static func slice(_ count: Int, part: Int, of parts: Int) -> Range<Int> {
        let lower = count * part / parts
        let upper = count * (part + 1) / parts
        return lower..<upper
    }
}
