import CSQLite
import Synchronization

/// Deliberate write failures, for tests of what the service does when its catalog fails:
/// write calls number from 1 in the order they reach the write queue, and those in the armed
/// window throw the chosen SQLite result code (`SQLITE_IOERR`, `SQLITE_FULL`, `SQLITE_BUSY`, …)
/// before touching the database. Never set in production (`Catalog` takes nil).
public final class CatalogFaults: Sendable {
    private struct State {
        var writes = 0
        var failFrom = Int.max
        var failCount = 0
        var resultCode = SQLITE_IOERR
        var onlyMatching: String?
    }

    private let state = Mutex(State())

    public init() {}

    /// Fails `count` write calls starting with the `nth` one from now (1 = the next), with
    /// `resultCode`; `matching` limits the counting to calls whose label contains it.
    public func failWrites(
        startingAt nth: Int, count: Int = 1, resultCode: Int32 = SQLITE_IOERR, matching: String? = nil
    ) {
        state.withLock { state in
            state.writes = 0
            state.failFrom = nth
            state.failCount = count
            state.resultCode = resultCode
            state.onlyMatching = matching
        }
    }

    /// How many counted write calls were seen since the last `failWrites`.
    public var writesSeen: Int { state.withLock { $0.writes } }

    func check(_ label: String) throws(SQLiteError) {
        let code = state.withLock { state -> Int32? in
            if let filter = state.onlyMatching, !label.contains(filter) { return nil }
            state.writes += 1
            let index = state.writes
            guard index >= state.failFrom, index - state.failFrom < state.failCount else { return nil }
            return state.resultCode
        }
        if let code {
            throw SQLiteError(resultCode: code, message: "injected fault (\(label))", sql: nil)
        }
    }
}
