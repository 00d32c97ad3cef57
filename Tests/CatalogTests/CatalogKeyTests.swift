import Foundation
import Testing

@testable import Catalog

extension KeyRecord {
    static func make(id: String, owner: String = "alice", prefix: String = "bt_abcdef", createdAt: String) -> KeyRecord
    {
        KeyRecord(id: id, owner: owner, tier: "free", prefix: prefix, createdAt: createdAt)
    }
}

@Suite struct CatalogKeyTests {
    @Test(arguments: Backend.allCases)
    func keys_areStoredByHashListedOldestFirstAndCounted(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            #expect(try catalog.keyCount() == 0)
            #expect(try catalog.keys().isEmpty)
            try catalog.insertKey(.make(id: "key_b", createdAt: "2026-01-02T00:00:00.000Z"), hash: "hash-b")
            try catalog.insertKey(.make(id: "key_a", createdAt: "2026-01-02T00:00:00.000Z"), hash: "hash-a")
            try catalog.insertKey(.make(id: "key_0", createdAt: "2026-01-01T00:00:00.000Z"), hash: "hash-0")
            #expect(try catalog.keys().map(\.id) == ["key_0", "key_a", "key_b"])
            #expect(try catalog.keyCount() == 3)
            let active = try catalog.activeKeys()
            #expect(active.map(\.hash) == ["hash-0", "hash-a", "hash-b"])
            #expect(active.first?.key == .make(id: "key_0", createdAt: "2026-01-01T00:00:00.000Z"))
        }
    }

    @Test(arguments: Backend.allCases)
    func insertKey_refusesADuplicateHashOrID(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try catalog.insertKey(.make(id: "key_1", createdAt: "t"), hash: "same")
            let sameHash = #expect(throws: (any Error).self) {
                try catalog.insertKey(.make(id: "key_2", createdAt: "t"), hash: "same")
            }
            #expect((sameHash as? any CatalogFailure)?.isConstraintViolation == true)
            let sameID = #expect(throws: (any Error).self) {
                try catalog.insertKey(.make(id: "key_1", createdAt: "t"), hash: "other")
            }
            #expect((sameID as? any CatalogFailure)?.isConstraintViolation == true)
            #expect(try catalog.keyCount() == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func keysMatching_findsByIDOrPrefix(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try catalog.insertKey(.make(id: "key_1", prefix: "bt_aaaaaa", createdAt: "1"), hash: "h1")
            try catalog.insertKey(.make(id: "key_2", prefix: "bt_aaaaaa", createdAt: "2"), hash: "h2")
            try catalog.insertKey(.make(id: "key_3", prefix: "bt_bbbbbb", createdAt: "3"), hash: "h3")
            #expect(try catalog.keys(matching: "key_2").map(\.id) == ["key_2"])
            #expect(try catalog.keys(matching: "bt_aaaaaa").map(\.id) == ["key_1", "key_2"])
            #expect(try catalog.keys(matching: "bt_bbbbbb").map(\.id) == ["key_3"])
            #expect(try catalog.keys(matching: "bt_").isEmpty)
            #expect(try catalog.keys(matching: "'; DROP TABLE api_keys; --").isEmpty)
            #expect(try catalog.keyCount() == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func revokeKey_marksItOnceLeavesItListedAndEndsItsSessions(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try catalog.insertKey(.make(id: "key_1", createdAt: "1"), hash: "h1")
            try catalog.insertKey(.make(id: "key_2", createdAt: "2"), hash: "h2")
            try catalog.insertSession(hash: "s1", keyID: "key_1", createdAt: "t", expiresMilliseconds: 100)
            try catalog.insertSession(hash: "s2", keyID: "key_2", createdAt: "t", expiresMilliseconds: 100)
            #expect(try catalog.revokeKey(id: "key_1", at: "2026-02-01T00:00:00.000Z"))
            #expect(try !catalog.revokeKey(id: "key_1", at: "2026-03-01T00:00:00.000Z"))
            #expect(try !catalog.revokeKey(id: "key_missing", at: "t"))
            #expect(try catalog.keys(matching: "key_1").first?.revokedAt == "2026-02-01T00:00:00.000Z")
            #expect(try catalog.activeKeys().map(\.key.id) == ["key_2"])
            #expect(try catalog.keyCount() == 2)
            #expect(try catalog.session(hash: "s1") == nil)
            #expect(try catalog.session(hash: "s2")?.keyID == "key_2")
        }
    }

    @Test(arguments: Backend.allCases)
    func touchKey_recordsTheLastUse(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try catalog.insertKey(.make(id: "key_1", createdAt: "1"), hash: "h1")
            #expect(try catalog.keys().first?.lastUsedAt == nil)
            try catalog.touchKey(id: "key_1", at: "2026-05-05T00:00:00.000Z")
            #expect(try catalog.keys().first?.lastUsedAt == "2026-05-05T00:00:00.000Z")
            try catalog.touchKey(id: "key_missing", at: "x")
            #expect(try catalog.keys().count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func sessions_areFoundExtendedDeletedAndExpiredAtTheirInstant(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try catalog.insertSession(hash: "s1", keyID: "key_1", createdAt: "t", expiresMilliseconds: 1_000)
            try catalog.insertSession(hash: "s2", keyID: "key_1", createdAt: "t", expiresMilliseconds: 2_000)
            try catalog.insertSession(hash: "s3", keyID: "key_2", createdAt: "t", expiresMilliseconds: 3_000)
            #expect(try catalog.session(hash: "s1")?.expiresMilliseconds == 1_000)
            #expect(try catalog.session(hash: "nope") == nil)
            try catalog.extendSession(hash: "s1", expiresMilliseconds: 5_000)
            #expect(try catalog.session(hash: "s1")?.expiresMilliseconds == 5_000)
            // Expiry at N removes what expires at N, keeps what expires at N + 1.
            try catalog.deleteExpiredSessions(nowMilliseconds: 1_999)
            #expect(try catalog.session(hash: "s2") != nil)
            try catalog.deleteExpiredSessions(nowMilliseconds: 2_000)
            #expect(try catalog.session(hash: "s2") == nil)
            #expect(try catalog.session(hash: "s1") != nil)
            try catalog.deleteSession(hash: "s3")
            #expect(try catalog.session(hash: "s3") == nil)
            #expect(try catalog.session(hash: "s1")?.keyID == "key_1")
        }
    }

    @Test(arguments: Backend.allCases)
    func activeRunCount_countsQueuedAndRunningOfOneOwner(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            func run(_ owner: String, _ hash: String) -> NewRun {
                NewRun(
                    id: "run_\(owner)_\(hash)", owner: owner, inputHash: hash, idempotencyKey: nil, request: "{}",
                    datasetID: "ds_1", variants: 1, engineVersion: "test", createdAt: "t", queuedEventData: "{}")
            }
            for hash in ["1", "2", "3"] { _ = try catalog.insertRun(run("alice", hash), queueCapacity: 100) }
            _ = try catalog.insertRun(run("bob", "1"), queueCapacity: 100)
            #expect(try catalog.activeRunCount(owner: "alice") == 3)
            #expect(try catalog.activeRunCount(owner: "bob") == 1)
            #expect(try catalog.activeRunCount(owner: "carol") == 0)
            // Claimed (RUNNING) still counts; finished does not.
            let claimed = try #require(try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" }))
            #expect(claimed.0.owner == "alice")
            #expect(try catalog.activeRunCount(owner: "alice") == 3)
            _ = try catalog.finishRun(
                id: claimed.0.id, status: .done, at: "t", error: nil, grid: nil, best: nil, results: [],
                eventType: "done", eventData: "{}")
            #expect(try catalog.activeRunCount(owner: "alice") == 2)
        }
    }
}
