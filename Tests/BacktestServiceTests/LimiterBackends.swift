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

/// The same, for tests that need only the limiter.
func withLimiter(_ kind: LimiterKind, test: String = #function, _ body: (any RateLimiting) throws -> Void) throws {
    try withLimiter(kind, test: test) { limiter, _ in try body(limiter) }
}
