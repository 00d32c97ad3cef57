import Synchronization

/// Rendered documents of finished runs (immutable until deleted), bounded in count.
final class DocumentCache: Sendable {
    private let entries = Mutex<[String: String]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func document(_ id: String) -> String? { entries.withLock { $0[id] } }

    func store(_ id: String, _ text: String) {
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[id] = text
        }
    }

    func remove(_ id: String) { entries.withLock { _ = $0.removeValue(forKey: id) } }
}
