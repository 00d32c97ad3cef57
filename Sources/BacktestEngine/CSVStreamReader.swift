import Foundation

/// Reads CSV while it arrives (an upload's body): the text is cut into chunks at line boundaries
/// as soon as `chunkBytes` have come, and each chunk is parsed on another thread into its own
/// columns while the next arrives; `finish` stitches them. Rows, errors and line numbers are those
/// of `CSVSeriesReader.read` on the whole text (tests compare them); a line longer than
/// `CSVSeriesReader.maxLineBytes` (refused by both) is skipped here without being held in memory.
///
/// Memory stays bounded by the bars: at most `maxInFlight` chunks of text are held at once (`feed`
/// waits for a chunk to finish beyond that), and the carried-over partial line is at most
/// `maxLineBytes` (plus a CR) or one chunk.
///
/// `@unchecked Sendable`: `feed` and `finish` are called one at a time by the reader's one owner;
/// the chunk jobs touch only `results`, under `lock`.
public final class CSVStreamReader: @unchecked Sendable {
    public static let defaultChunkBytes = 4 << 20
    /// Where chunks are parsed: serial queues of their own, one picked per chunk in turn. Not a
    /// concurrent queue: those draw on a pool of about one thread per core on Linux, which
    /// callers blocked in `feed` or `finish` (and anything else waiting there) could hold, so the
    /// chunks they wait for would wait too. A serial queue gets a thread of its own when it has
    /// work, and a chunk job never blocks, so every queued chunk is parsed.
    static let queues = (0..<max(4, ProcessInfo.processInfo.activeProcessorCount + 1)).map {
        DispatchQueue(label: "backtestd.csv-chunks.\($0)")
    }

    let chunkBytes: Int
    /// Chunks parsed on other threads; false parses each at once on the caller (tests).
    let parallel: Bool
    /// Text not yet cut into a chunk: the header until it is checked, then the lines after the
    /// last cut.
    private var pending: [UInt8] = []
    private var headerChecked = false
    private var headerFailed = false
    /// Inside a line longer than `maxLineBytes`: its bytes are dropped up to its newline.
    private var skippingLine = false
    /// How many of `pending`'s first bytes are known to hold no newline (not searched again).
    private var scanned = 0
    private var received = 0
    private var chunkCount = 0
    private let lock = NSLock()
    private var results: [CSVStreamChunk?] = []
    /// Texts of parsed chunks, emptied, kept to take the next chunks' text (under `lock`): a fresh
    /// buffer per chunk would cost a page fault every 4 KiB of it. At most `maxSpareTexts`.
    private var spareTexts: [[UInt8]] = []
    private let maxSpareTexts: Int
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore

    /// Codes a chunk's rows (with their blocks' scales) for storage in blocks of `blockBars`, in
    /// the chunk's job (nil: no coding).
    let codeBlocks: (@Sendable (OHLCVSeries, BlockScales?) -> [[UInt8]])?
    let blockBars: Int

    public init(
        chunkBytes: Int = defaultChunkBytes, maxInFlight: Int = ProcessInfo.processInfo.activeProcessorCount + 1,
        parallel: Bool = true, blockBars: Int = 4096,
        codeBlocks: (@Sendable (OHLCVSeries, BlockScales?) -> [[UInt8]])? = nil
    ) {
        self.codeBlocks = codeBlocks
        self.blockBars = max(1, blockBars)
        self.chunkBytes = max(1, chunkBytes)
        self.parallel = parallel
        slots = DispatchSemaphore(value: max(1, maxInFlight))
        maxSpareTexts = max(1, maxInFlight)
        pending.reserveCapacity(self.chunkBytes)
    }

    /// How many emptied chunk texts are kept for reuse.
    var spareTextCount: Int { lock.withLock { spareTexts.count } }

    /// Takes the next bytes of the text.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        received = received.saturatingAdding(bytes.count)
        var rest = UnsafeRawBufferPointer(rebasing: bytes[...])
        while !rest.isEmpty && !headerFailed {
            if skippingLine {
                guard let newline = rest.firstIndex(of: 10) else { return }
                skippingLine = false
                rest = UnsafeRawBufferPointer(rebasing: rest[(newline + 1)...])
                continue
            }
            // Up to a chunk at a time, so `pending` keeps its capacity (all of it past a chunk
            // of one line, which is then cut or refused at once).
            let take = pending.count < chunkBytes ? min(rest.count, chunkBytes - pending.count) : rest.count
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if !headerChecked { checkHeader(final: false) }
            if headerChecked && !headerFailed && pending.count >= chunkBytes { cut() }
        }
    }

    /// Ends the text: the series, or every problem found (the first 20 by line).
    public func finish() throws(EngineError) -> SeriesParts {
        if !headerChecked { checkHeader(final: true) }
        if !headerFailed && !skippingLine && !pending.isEmpty {
            let last = pending
            pending = []
            dispatch(last, count: last.count, lines: nil, moreFollows: false)
        }
        group.wait()
        // The spare texts are not needed past the last chunk: freed before the store, the
        // upload's peak.
        lock.withLock { spareTexts = [] }
        if received == 0 {
            throw CSVSeriesReader.failure(
                [.init(line: 1, message: "empty file: header \(CSVSeriesReader.header) required")], 1)
        }
        if headerFailed {
            throw CSVSeriesReader.failure([.init(line: 1, message: "header must be \(CSVSeriesReader.header)")], 1)
        }
        let chunks = lock.withLock {
            let taken = results.compactMap { $0 }
            results = []
            return taken
        }
        return try CSVStreamChunk.stitch(chunks, blockBars: blockBars)
    }

    /// The header is the text up to the first newline; without one yet, it waits unless it is
    /// already too long to be one (or the text ended).
    private func checkHeader(final: Bool) {
        let newline = pending[scanned...].firstIndex(of: 10)
        guard newline != nil || final || pending.count > CSVSeriesReader.maxLineBytes + 1 else {
            scanned = pending.count
            return
        }
        scanned = 0
        headerChecked = true
        let end = newline ?? pending.count
        let isHeader = pending.withUnsafeBufferPointer { buffer in
            CSVSeriesReader.isHeader(UnsafeBufferPointer(rebasing: buffer[0..<end]))
        }
        guard isHeader else {
            headerFailed = true
            pending = []
            return
        }
        pending.removeFirst(min(end + 1, pending.count))
    }

    /// Hands `pending` up to its last newline but one byte to a chunk job (so at least a byte is
    /// known to follow the chunk); with no newline and more than `maxLineBytes`, the line is
    /// refused and skipped instead.
    private func cut() {
        let end = pending.count - 1
        guard let newline = pending[min(scanned, end)..<end].lastIndex(of: 10) else {
            // One line so far, maybe ended by the last byte; a CR before a newline is not counted.
            let ended = pending[end] == 10
            let crBytes = pending.count > 1 && pending[ended ? end - 1 : end] == 13 ? 1 : 0
            guard pending.count - (ended ? 1 : 0) - crBytes > CSVSeriesReader.maxLineBytes else {
                scanned = end
                return
            }
            record(.tooLong())
            skippingLine = !ended
            pending.removeAll(keepingCapacity: true)
            scanned = 0
            return
        }
        scanned = 0
        let (cut, lines) = codeBlocks == nil ? (newline + 1, nil) : alignedCut(after: newline)
        var rest = lock.withLock { spareTexts.popLast() } ?? []
        rest.reserveCapacity(chunkBytes)
        rest.append(contentsOf: pending[cut...])
        let chunk = pending
        pending = rest
        dispatch(consume chunk, count: cut, lines: lines, moreFollows: true)
    }

    /// Where to cut so the chunk holds a whole number of `blockBars` lines (so its rows, when all
    /// are good, are whole blocks of the stored blob): after the last newline at or before
    /// `newline` that ends such a count, or just after `newline` when there are fewer lines;
    /// with the lines of the chunk so cut (counted once here, not again by its parse).
    private func alignedCut(after newline: Int) -> (cut: Int, lines: Int) {
        pending.withUnsafeBufferPointer { buffer in
            let lines = SharedBytes(bytes: buffer).lines(in: 0..<newline + 1)
            let surplus = lines % blockBars
            guard lines >= blockBars, surplus > 0 else { return (newline + 1, lines) }
            var position = newline
            var left = surplus
            // Back over `surplus` lines: stop at the newline that ends the last whole block.
            while position > 0 {
                position -= 1
                if buffer[position] == 10 {
                    left -= 1
                    if left == 0 { return (position + 1, lines - surplus) }
                }
            }
            return (newline + 1, lines)
        }
    }

    private func record(_ chunk: CSVStreamChunk) {
        chunkCount += 1
        lock.withLock { results.append(chunk) }
    }

    /// Parses `bytes[0..<count]` (of `lines` lines, when known) as chunk number `chunkCount`, on
    /// another thread when `parallel`.
    private func dispatch(_ bytes: consuming [UInt8], count: Int, lines: Int?, moreFollows: Bool) {
        let index = chunkCount
        chunkCount += 1
        lock.withLock { results.append(nil) }
        let text = ChunkText(bytes)
        let job: @Sendable () -> Void = { [self] in
            var bytes = text.take()
            var chunk = bytes.withUnsafeBufferPointer { buffer in
                CSVStreamChunk.parse(
                    UnsafeBufferPointer(rebasing: buffer[0..<count]), moreFollows: moreFollows, lines: lines,
                    blockBars: codeBlocks == nil ? nil : blockBars)
            }
            // Coded here, while the upload still arrives, only when the chunk has no problem.
            if let codeBlocks, chunk.outcome.problemCount == 0 { chunk.coded = codeBlocks(chunk.series, chunk.scales) }
            chunk.scales = nil
            bytes.removeAll(keepingCapacity: true)
            lock.withLock {
                results[index] = chunk
                if spareTexts.count < maxSpareTexts { spareTexts.append(bytes) }
            }
        }
        guard parallel else { return job() }
        slots.wait()
        group.enter()
        Self.queues[index % Self.queues.count].async { [slots, group] in
            job()
            slots.signal()
            group.leave()
        }
    }
}

/// A chunk's text handed to its job, which takes it over (so it can empty and keep the buffer).
/// `@unchecked Sendable`: only the one job touches it, once.
private final class ChunkText: @unchecked Sendable {
    private var bytes: [UInt8]

    init(_ bytes: consuming [UInt8]) { self.bytes = bytes }

    func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }
}
