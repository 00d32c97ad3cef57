import Foundation
import TestSupport
import Testing

@testable import Catalog

/// The two catalog backends every backend-neutral test runs on.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A fresh catalog on `backend` (a temporary SQLite file, or a fresh database of the test
/// cluster) and where it lives (the SQLite path or the PostgreSQL URL), removed afterwards.
func withTemporaryCatalog(
    _ backend: Backend = .sqlite, faults: CatalogFaults? = nil, test: String = #function,
    _ body: (Catalog, String) throws -> Void
) throws {
    switch backend {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("catalog.sqlite").path
        try body(try Catalog(path: path, faults: faults), path)
    case .postgres:
        try PostgresCluster.withDatabase(test) { url in
            try body(try Catalog(location: .postgres(url: url), faults: faults), url)
        }
    }
}

/// Opens the catalog a test's `withTemporaryCatalog` made again (a second process would).
func reopen(_ backend: Backend, _ location: String) throws -> Catalog {
    switch backend {
    case .sqlite: return try Catalog(path: location)
    case .postgres: return try Catalog(location: .postgres(url: location))
    }
}

extension NewRun {
    static func make(id: String = "run_\(UUID().uuidString)", hash: String = "h1", key: String? = nil) -> NewRun {
        NewRun(
            id: id, owner: "local", inputHash: hash, idempotencyKey: key, request: "{}", datasetID: "ds_1", variants: 3,
            engineVersion: "test", createdAt: "2026-01-01T00:00:00Z", queuedEventData: #"{"status":"QUEUED"}"#)
    }
}

@Suite struct CatalogTests {
    @Test(arguments: Backend.allCases)
    func catalog_usesWALAndReopensAtTheSameSchemaVersion(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, location in
            let dialect: SQLDialect = backend == .sqlite ? .sqlite : .postgres
            if backend == .sqlite {
                let mode = try catalog.read { try $0.scalarText("PRAGMA journal_mode") }
                #expect(mode == "wal")
            }
            #expect(try catalog.schemaVersion() == Migrations.all(dialect).count)
            let again = try reopen(backend, location)
            #expect(try again.schemaVersion() == Migrations.all(dialect).count)
        }
    }

    @Test(arguments: Backend.allCases)
    func insert_decidesCreatedExistingAndKeyReused(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            guard
                case .created(let run, let event) = try catalog.insertRun(.make(hash: "a", key: "k"), queueCapacity: 10)
            else {
                Issue.record("expected created")
                return
            }
            #expect(run.status == .queued)
            #expect(event.seq == 0)
            #expect(try catalog.insertRun(.make(hash: "a"), queueCapacity: 10) == .existing(run))
            #expect(try catalog.insertRun(.make(hash: "a", key: "k"), queueCapacity: 10) == .existing(run))
            #expect(try catalog.insertRun(.make(hash: "b", key: "k"), queueCapacity: 10) == .keyReused(run))
        }
    }

    @Test(arguments: Backend.allCases)
    func insert_refusesPastTheQueueCapacity(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(hash: "1"), queueCapacity: 2)
            _ = try catalog.insertRun(.make(hash: "2"), queueCapacity: 2)
            #expect(try catalog.insertRun(.make(hash: "3"), queueCapacity: 2) == .queueFull(queued: 2))
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentIdenticalInserts_createOneRun(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            let created = Mutexed(0)
            DispatchQueue.concurrentPerform(iterations: 50) { _ in
                if case .created = try? catalog.insertRun(.make(hash: "same"), queueCapacity: 100) { created.add(1) }
            }
            #expect(created.value == 1)
            let total = try catalog.listRuns(owner: "local", status: nil, limit: 100, offset: 0, ascending: false).1
            #expect(total == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func claim_isFIFOAndFinishIsAtomicWithItsTerminalEvent(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            _ = try catalog.insertRun(.make(id: "r2", hash: "2"), queueCapacity: 10)
            let first = try #require(try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" }))
            #expect(first.0.id == "r1")
            #expect(first.0.status == .running)
            #expect(first.1.seq == 1)
            let terminal = try catalog.finishRun(
                id: "r1", status: .done, at: "t2", error: nil, grid: "{}", best: "{}",
                results: [ResultRow(rank: 1, variantKey: "fast=1", body: "{}")], eventType: "completed", eventData: "{}"
            )
            #expect(terminal?.seq == 2)
            #expect(try catalog.results(runID: "r1", limit: 10).map(\.variantKey) == ["fast=1"])
            // A second terminal transition is refused.
            #expect(
                try catalog.finishRun(
                    id: "r1", status: .error, at: "t3", error: "x", grid: nil, best: nil, results: [],
                    eventType: "failed", eventData: "{}") == nil)
            #expect(try catalog.events(runID: "r1", after: -1).map(\.type) == ["stage", "stage", "completed"])
            #expect(try catalog.events(runID: "r1", after: 0).map(\.seq) == [1, 2])
        }
    }

    @Test(arguments: Backend.allCases)
    func requeue_returnsInterruptedRunsToTheQueueWithAnEvent(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" })
            let recovery = try catalog.recoverInterrupted(
                at: "t2", maxAttempts: 3, requeuedData: #"{"status":"QUEUED"}"#, failedData: { _ in "{}" },
                failedMessage: { "\($0)" })
            #expect(recovery.requeued.map(\.runID) == ["r1"])
            #expect(recovery.failed.isEmpty)
            #expect(try catalog.run(id: "r1", owner: "local")?.status == .queued)
            #expect(try catalog.run(id: "r1", owner: "local")?.attempts == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func retention_keepsTheNewestFinishedRuns(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            for index in 0..<5 {
                _ = try catalog.insertRun(.make(id: "r\(index)", hash: "\(index)"), queueCapacity: 10)
                _ = try catalog.finishRun(
                    id: "r\(index)", status: .done, at: "t", error: nil, grid: nil, best: nil, results: [],
                    eventType: "completed", eventData: "{}")
            }
            _ = try catalog.insertRun(.make(id: "queued", hash: "q"), queueCapacity: 10)
            #expect(try catalog.applyRetention(keep: 2) == ["r2", "r1", "r0"])
            #expect(try catalog.events(runID: "r0", after: -1).isEmpty)
            #expect(try catalog.run(id: "queued", owner: "local") != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func transaction_rollsBackAndRethrowsTheFirstError(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            let error = #expect(throws: (any Error).self) {
                try catalog.write { database in
                    try database.transaction {
                        try database.prepare("UPDATE runs SET status = 'DONE' WHERE id = ?").bind(.text("r1")).run()
                        try database.prepare("UPDATE runs SET status = 'BOGUS' WHERE id = ?").bind(.text("r1")).run()
                    }
                }
            }
            #expect((error as? any CatalogFailure)?.isConstraintViolation == true)
            #expect(try catalog.run(id: "r1", owner: "local")?.status == .queued)
        }
    }

    @Test(arguments: Backend.allCases)
    func errors_carryTheSQLAndExtendedCodeButNotBoundValues(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            do {
                try catalog.write { database in
                    try database.prepare(
                        "INSERT INTO events (run_id, seq, type, ts, data) VALUES (?, 0, 'x', 't', '{}')"
                    )
                    .bind(.text("secret-value")).run()
                }
                Issue.record("foreign key must fail")
            } catch let error as any CatalogFailure {
                #expect(error.code == "catalog.constraint")
                #expect((error as? SQLiteError)?.resultCode ?? 787 == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
                #expect((error as? PostgresError)?.sqlState ?? "23503" == "23503")  // foreign_key_violation
                #expect(error.sql?.contains("INSERT INTO events") == true)
                #expect(!error.description.contains("secret-value"))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func datasets_areIdempotentByHashAndResolveNewest(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            func make(_ id: String, _ hash: String) -> DatasetRecord {
                DatasetRecord(
                    id: id, owner: "local", symbol: "GOOG", timeframe: "1d", rows: 1, firstMilliseconds: 0,
                    lastMilliseconds: 0, sha256: hash, createdAt: "t")
            }
            #expect(try catalog.insertDataset(make("ds_1", "a"), bars: [1, 2]).created)
            #expect(try catalog.insertDataset(make("ds_9", "a"), bars: [1, 2]).0.id == "ds_1")
            _ = try catalog.insertDataset(make("ds_2", "b"), bars: [3])
            #expect(try catalog.newestDataset(owner: "local", symbol: "GOOG", timeframe: "1d")?.id == "ds_2")
            #expect(try catalog.datasetBars(id: "ds_1") == [1, 2])
            #expect(try catalog.datasets(owner: "local").map(\.id) == ["ds_2", "ds_1"])
        }
    }

    @Test(arguments: Backend.allCases)
    func datasets_sameBytesUnderAnotherSymbolOrTimeframeAreNewDatasets(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            func make(_ id: String, _ symbol: String, _ timeframe: String) -> DatasetRecord {
                DatasetRecord(
                    id: id, owner: "local", symbol: symbol, timeframe: timeframe, rows: 1, firstMilliseconds: 0,
                    lastMilliseconds: 0, sha256: "same", createdAt: "t")
            }
            #expect(try catalog.insertDataset(make("ds_a", "AAA", "1d"), bars: [1]).created)
            #expect(try catalog.insertDataset(make("ds_b", "BBB", "1d"), bars: [1]).created)
            #expect(try catalog.insertDataset(make("ds_c", "AAA", "1h"), bars: [1]).created)
            let again = try catalog.insertDataset(make("ds_d", "BBB", "1d"), bars: [1])
            #expect(!again.created && again.0.id == "ds_b")
            #expect(try catalog.newestDataset(owner: "local", symbol: "AAA", timeframe: "1d")?.id == "ds_a")
            #expect(try catalog.newestDataset(owner: "local", symbol: "BBB", timeframe: "1d")?.id == "ds_b")
        }
    }

    @Test func migration_rebuildsTheDatasetsTableKeepingItsRows() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("catalog.sqlite").path
        do {
            // A catalog written by the first schema version, holding one dataset.
            let old = try Database(path: path)
            try old.execute(Migrations.sqlite[0])
            try old.execute(
                "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1)")
            try old.execute(
                """
                INSERT INTO datasets (id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at, ord, bars)
                VALUES ('ds_old', 'local', 'GOOG', '1d', 1, 0, 0, 'h', 't', 0, x'0102')
                """)
            old.releaseStatements()
        }
        let catalog = try Catalog(path: path)
        #expect(try catalog.schemaVersion() == Migrations.sqlite.count)
        #expect(try catalog.datasetBars(id: "ds_old") == [1, 2])
        #expect(try catalog.newestDataset(owner: "local", symbol: "GOOG", timeframe: "1d")?.id == "ds_old")
        let record = DatasetRecord(
            id: "ds_new", owner: "local", symbol: "GOOGL", timeframe: "1d", rows: 1, firstMilliseconds: 0,
            lastMilliseconds: 0, sha256: "h", createdAt: "t")
        #expect(try catalog.insertDataset(record, bars: [1, 2]).created)
        #expect(try catalog.datasets(owner: "local").map(\.id) == ["ds_new", "ds_old"])
    }
}

/// A counter shared across threads in tests.
final class Mutexed: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int
    init(_ value: Int) { stored = value }
    func add(_ amount: Int) { lock.withLock { stored += amount } }
    var value: Int { lock.withLock { stored } }
}
