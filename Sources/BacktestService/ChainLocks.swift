import Synchronization

/// One lock per owner: "read the chain head → write the manifest → record it with DONE" runs
/// under it, so two workers finishing runs of the same owner never fork the chain.
final class ChainLocks: Sendable {
    private final class Lock: Sendable {
        let mutex = Mutex(())
    }

    private let locks = Mutex([String: Lock]())

    func withLock<T: Sendable>(owner: String, _ body: () throws -> T) throws -> T {
        let lock = locks.withLock { table in
            if let existing = table[owner] { return existing }
            let created = Lock()
            table[owner] = created
            return created
        }
        return try lock.mutex.withLock { _ in try body() }
    }
}
