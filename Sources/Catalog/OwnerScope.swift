/// Whose rows a read may see: one owner's, a few owners' (an owner and the public samples), or
/// every owner's (an administrator's reads).
public enum OwnerScope: Sendable, Equatable {
    case any
    case owners([String])

    public static func only(_ owner: String) -> OwnerScope { .owners([owner]) }

    /// The SQL condition on `owner` and its bound values.
    func condition() -> (sql: String, values: [SQLValue]) {
        switch self {
        case .any: return ("1 = 1", [])
        case .owners(let owners) where owners.isEmpty: return ("0 = 1", [])
        case .owners(let owners):
            return ("owner IN (" + owners.map { _ in "?" }.joined(separator: ", ") + ")", owners.map { .text($0) })
        }
    }
}
