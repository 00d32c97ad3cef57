import Synchronization

/// Rendered documents of finished runs (immutable until deleted), bounded in count. Each is kept
/// with its run's owner and served only to that owner: the cache must never answer a request the
/// catalog would have refused.
final class DocumentCache: Sendable {
    private let entries = Mutex<[String: (owner: String, text: String)]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func document(_ id: String, owner: String) -> String? {
        entries.withLock { table in table[id].flatMap { $0.owner == owner ? $0.text : nil } }
    }

    func store(_ id: String, owner: String, _ text: String) {
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[id] = (owner, text)
        }
    }

    func remove(_ id: String) { entries.withLock { _ = $0.removeValue(forKey: id) } }
}
