import Catalog
import Foundation
import TestSupport

@testable import BacktestService

/// Where a limiter under test keeps its state: in memory, or in a catalog of either backend
/// (a temporary SQLite file, or a fresh database of the test cluster).
enum LimiterKind: String, CaseIterable, Sendable {
    case memory, sqlite, postgres
}

/// Runs `body` with a fresh limiter of `kind` (and its catalog, nil in memory); a PostgreSQL case
/// is skipped loudly when PostgreSQL is not installed.
func withLimiter(
    _ kind: LimiterKind, test: String = #function, _ body: (any RateLimiting, Catalog?) throws -> Void
) throws {
    switch kind {
    case .memory:
        try body(InMemoryRateLimiter(), nil)
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("limiter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        try body(CatalogRateLimiter(catalog: catalog), catalog)
    case .postgres:
        try PostgresCluster.withDatabase(test) { url in
            let catalog = try Catalog(location: .postgres(url: url))
            try body(CatalogRateLimiter(catalog: catalog), catalog)
        }
    }
}

/// A limiter of `kind` for tests of the GCRA arithmetic alone. On PostgreSQL every such test
/// shares one database of the process (its subjects prefixed with a fresh id, so tests never
/// meet): a database per test case would mean dozens of concurrent `CREATE DATABASE`s, each a
/// checkpoint, which stalls the whole test process on a loaded machine.
func withGCRALimiter(_ kind: LimiterKind, test: String = #function, _ body: (any RateLimiting) throws -> Void)
    throws
{
    guard kind == .postgres else { return try withLimiter(kind, test: test) { limiter, _ in try body(limiter) } }
    guard let catalog = try SharedLimiterCatalog.catalog.get() else {
        FileHandle.standardError.write(Data("SKIPPED (PostgreSQL is not installed): \(test)\n".utf8))
        return
    }
    try body(NamespacedLimiter(base: CatalogRateLimiter(catalog: catalog), prefix: UUID().uuidString + "/"))
}

/// The one PostgreSQL catalog of `withGCRALimiter` (removed with the cluster at exit).
private enum SharedLimiterCatalog {
    static let catalog: Result<Catalog?, any Error> = Result { try open() }

    private static func open() throws -> Catalog? {
        guard let cluster = PostgresCluster.shared else { return nil }
        return try Catalog(location: .postgres(url: cluster.url(database: try cluster.createDatabase())))
    }
}

/// Each subject of `base` under `prefix`: a namespace of its own in a shared table.
private struct NamespacedLimiter: RateLimiting {
    let base: any RateLimiting
    let prefix: String

    func acquire(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        base.acquire(prefix + subject, policy: policy, now: now)
    }

    func refund(_ subject: String, policy: RatePolicy, now: Double) {
        base.refund(prefix + subject, policy: policy, now: now)
    }

    func peek(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        base.peek(prefix + subject, policy: policy, now: now)
    }
}
