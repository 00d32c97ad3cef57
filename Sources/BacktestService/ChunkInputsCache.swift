import Synchronization

/// The inputs of the chunked runs this node helped with last: a node taking many chunks of one
/// run decodes its dataset and expands its grid once, not once per chunk (with a 100k-variant
/// grid the expansion alone is tens of milliseconds of each chunk's one or two seconds).
/// A run's request and dataset never change, so an entry is valid for the run's whole life.
final class ChunkInputsCache: Sendable {
    /// Runs kept: a node rarely helps with more than one or two chunked runs at a time.
    static let capacity = 2

    private let entries = Mutex([(runID: String, inputs: RunExecutor.ChunkInputs)]())

    /// The inputs of `runID`, made by `make` when they are not held.
    func inputs(_ runID: String, make: () throws -> RunExecutor.ChunkInputs) throws -> RunExecutor.ChunkInputs {
        if let held = entries.withLock({ entries in entries.first { $0.runID == runID }?.inputs }) { return held }
        // Made outside the lock: two workers may both make them once; either copy is the same.
        let made = try make()
        entries.withLock { entries in
            entries.removeAll { $0.runID == runID }
            entries.insert((runID, made), at: 0)
            if entries.count > Self.capacity { entries.removeLast(entries.count - Self.capacity) }
        }
        return made
    }
}
