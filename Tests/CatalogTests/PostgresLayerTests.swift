import Foundation
import TestSupport
import Testing

@testable import Catalog

/// The PostgreSQL layer under the catalog: placeholders, locations, errors, reconnection, blob
/// windows and idempotency decided by the unique indexes across connections ("nodes").
@Suite struct PostgresLayerTests {
    @Test func placeholders_areNumberedOutsideLiteralsIdentifiersAndComments() {
        #expect(Placeholders.numbered("SELECT ? , ?") == "SELECT $1 , $2")
        #expect(
            Placeholders.numbered("SELECT '?', \"a?\", ? -- why?\nWHERE x = ?")
                == "SELECT '?', \"a?\", $1 -- why?\nWHERE x = $2")
        #expect(Placeholders.numbered("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
        #expect(Placeholders.numbered("SELECT 1") == "SELECT 1")
    }

    @Test func location_parsesTheSchemesAndRedactsThePassword() {
        #expect(CatalogLocation(url: "sqlite:", dataDirectory: "/d") == .sqlite(path: "/d/catalog.sqlite"))
        #expect(CatalogLocation(url: "sqlite:/x/c.sqlite", dataDirectory: "/d") == .sqlite(path: "/x/c.sqlite"))
        #expect(CatalogLocation(url: "postgres://u@h/db", dataDirectory: "/d") == .postgres(url: "postgres://u@h/db"))
        #expect(CatalogLocation(url: "postgresql://h/db", dataDirectory: "/d") == .postgres(url: "postgresql://h/db"))
        #expect(CatalogLocation(url: "mysql://h/db", dataDirectory: "/d") == nil)
        #expect(CatalogLocation(url: "sqlite", dataDirectory: "/d") == nil)
        let secret = CatalogLocation.postgres(url: "postgres://app:s3cret@db.example:5432/bt?sslmode=require")
        #expect(secret.description == "postgres://app:***@db.example:5432/bt?sslmode=require")
        #expect(CatalogLocation.postgres(url: "postgres://app@db/bt").description == "postgres://app@db/bt")
    }

    @Test func errors_carrySQLSTATEAndTheSQLButNotBoundValues() throws {
        try withTemporaryCatalog(.postgres) { catalog, _ in
            try catalog.insertKey(.make(id: "key_1", createdAt: "t"), hash: "h")
            do {
                try catalog.write { database in
                    try database.prepare(
                        "INSERT INTO api_keys (id, owner, tier, hash, prefix, created_at) VALUES (?, 'o', 't', ?, 'p', 't')"
                    )
                    .bind(.text("key_2"), .text("h")).run()
                }
                Issue.record("a duplicate hash must fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == "23505")
                #expect(error.code == "catalog.constraint")
                #expect(error.sql?.contains("INSERT INTO api_keys") == true)
                #expect(!error.description.contains("key_2"))
            }
            let syntax = #expect(throws: PostgresError.self) {
                try catalog.read { database in try database.prepare("SELEC 1").run() }
            }
            #expect(syntax?.sqlState == "42601")
            let nul = #expect(throws: PostgresError.self) {
                try catalog.insertKey(.make(id: "key_\u{0}", createdAt: "t"), hash: "h2")
            }
            #expect(nul?.sqlState == "22021")
        }
    }

    @Test func anUnreachableServerFailsTheOpenWithoutShowingThePassword() throws {
        let url = "postgresql://app:pw-secret@127.0.0.1:1/backtestd?connect_timeout=2"
        let error = #expect(throws: PostgresError.self) { try Catalog(location: .postgres(url: url)) }
        #expect(error?.code == "catalog.unavailable")
        #expect(error?.sqlState == "08001")
        #expect(error?.description.contains("pw-secret") == false)
        #expect(CatalogLocation.postgres(url: url).description.contains("pw-secret") == false)
    }

    @Test func aConnectionTheServerDropsIsReopenedForTheNextCall() throws {
        try withTemporaryCatalog(.postgres) { catalog, location in
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            // Another session ends every other connection to this database (as a restart would).
            let admin = try PostgresConnection(url: location)
            try admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            // A call that meets a dead connection fails as unavailable (once per connection: one
            // writer, two readers); the next call on that connection reconnects.
            var failures = 0
            func tolerant<T>(_ body: () throws -> T) throws -> T? {
                do { return try body() } catch let error as PostgresError where error.code == "catalog.unavailable" {
                    failures += 1
                    return nil
                }
            }
            for attempt in 0..<2 {
                let inserted = try tolerant { try catalog.insertRun(.make(id: "r2", hash: "2"), queueCapacity: 10) }
                #expect(attempt == 0 || inserted != nil)
            }
            for attempt in 0..<3 {
                let found = try tolerant { try catalog.run(id: "r2", owner: "local") }
                #expect(attempt < 2 || found??.id == "r2")
            }
            #expect(failures >= 1 && failures <= 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func blobWindows_readOnlyTheWordsAsked(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            let words: [UInt64] = (0..<1_000).map { $0 * 3 + 1 }
            let bytes = words.flatMap { word in withUnsafeBytes(of: word.littleEndian) { Array($0) } }
            let record = DatasetRecord(
                id: "ds_w", owner: "local", symbol: "W", timeframe: "1d", rows: 1, firstMilliseconds: 0,
                lastMilliseconds: 0, sha256: "w", createdAt: "t")
            _ = try catalog.insertDataset(record, bars: bytes)
            let read = try catalog.withDatasetBars(id: "ds_w") { reader in
                (reader.byteCount, try reader.word(0), try reader.words(from: 997, count: 3), try reader.word(1_000))
            }
            #expect(read?.0 == 8_000)
            #expect(read?.1 == 1)
            #expect(read?.2 == [2_992, 2_995, 2_998])
            #expect(read?.3 == nil)
            #expect(try catalog.withDatasetBars(id: "ds_none") { _ in true } == nil)
        }
    }

    /// Three catalogs on one database stand for three nodes: 50 identical submissions spread
    /// over them make one run, because the unique index and `ON CONFLICT` decide.
    @Test func identicalInsertsThroughThreeNodes_createOneRun() throws {
        try withTemporaryCatalog(.postgres) { first, location in
            let nodes = [first, try reopen(.postgres, location), try reopen(.postgres, location)]
            let created = Mutexed(0)
            let existing = Mutexed(0)
            DispatchQueue.concurrentPerform(iterations: 50) { index in
                let outcome = try? nodes[index % 3].insertRun(
                    .make(id: "run_\(index)", hash: "same", key: "k"), queueCapacity: 100)
                switch outcome {
                case .created: created.add(1)
                case .existing: existing.add(1)
                default: break
                }
            }
            #expect(created.value == 1)
            #expect(existing.value == 49)
            #expect(try first.listRuns(owner: "local", status: nil, limit: 100, offset: 0, ascending: false).1 == 1)
        }
    }
}
