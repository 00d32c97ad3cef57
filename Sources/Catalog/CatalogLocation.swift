/// Where the catalog lives, from the `catalog_url` setting: `sqlite:` (the default: `catalog.sqlite`
/// in the data directory), `sqlite:/some/file.sqlite`, or a PostgreSQL connection URI
/// (`postgres://user@host:5432/backtestd`, anything libpq accepts in that form).
public enum CatalogLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Parses a `catalog_url`; nil for any other scheme.
    public init?(url: String, dataDirectory: String) {
        if url == "sqlite:" || url.isEmpty {
            self = .sqlite(path: dataDirectory + "/catalog.sqlite")
        } else if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            return nil
        }
    }

    /// Whether other nodes may share it (PostgreSQL), so its events may be written elsewhere.
    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// For logs: a PostgreSQL URI without its password (`user:secret@` becomes `user:***@`).
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:" + path
        case .postgres(let url): return Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
            let colon = rest[..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<rest.index(after: colon)]) + "***" + String(url[at...])
    }
}
