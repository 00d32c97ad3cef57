import Catalog
import Foundation
import Testing

@testable import BacktestService

func withKeyCatalog(_ body: (KeyManager, Catalog, String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/catalog.sqlite"
    let catalog = try Catalog(path: path)
    try body(KeyManager(catalog: catalog), catalog, path)
}

@Suite struct KeyManagerTests {
    @Test func create_storesTheHashOnlyAndReturnsTheKeyOnce() throws {
        try withKeyCatalog { manager, catalog, path in
            let (key, record) = try manager.create(owner: "alice", tier: .pro)
            #expect(APIKeyMaterial.isWellFormed(key))
            #expect(record.owner == "alice")
            #expect(record.tier == "pro")
            #expect(record.prefix == APIKeyMaterial.prefix(key))
            #expect(record.lastUsedAt == nil && record.revokedAt == nil)
            #expect(record.id.hasPrefix("key_") && record.id.count == 20)
            #expect(record.id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
            let active = try catalog.activeKeys()
            #expect(active.count == 1)
            #expect(active.first?.hash == APIKeyMaterial.hash(key))
            #expect(active.first?.key == record)
            #expect(try manager.list() == [record])
            // The plaintext is in neither the database nor its WAL.
            try catalog.checkpoint()
            for file in [path, path + "-wal"] {
                guard let bytes = FileManager.default.contents(atPath: file) else { continue }
                #expect(bytes.range(of: Data(key.utf8)) == nil, "\(file)")
                #expect(bytes.range(of: Data(key.dropFirst(3).utf8)) == nil, "\(file)")
            }
        }
    }

    @Test func create_refusesBadOwnersNamingTheField() throws {
        try withKeyCatalog { manager, catalog, _ in
            for owner in ["", String(repeating: "a", count: 65), "a b", "al/ice", "ålice", "x\u{0}", "public"] {
                do throws(ServiceError) {
                    _ = try manager.create(owner: owner, tier: .free)
                    Issue.record("accepted \(owner)")
                } catch {
                    #expect(error.code == "validation_error")
                    #expect(error.details.map(\.path) == ["owner"])
                }
            }
            // The bounds themselves are fine, as is every allowed character.
            _ = try manager.create(owner: "a", tier: .free)
            _ = try manager.create(owner: String(repeating: "z", count: 64), tier: .free)
            _ = try manager.create(owner: "Team-1.ops_X", tier: .admin)
            _ = try manager.create(owner: "Public", tier: .free)
            #expect(try catalog.keyCount() == 4)
        }
    }

    @Test func revoke_byIDOrPrefix_onceAndIdempotently() throws {
        try withKeyCatalog { manager, catalog, _ in
            let (key, record) = try manager.create(owner: "alice", tier: .free)
            let (_, other) = try manager.create(owner: "bob", tier: .free)
            let revoked = try manager.revoke(record.prefix)
            #expect(revoked.id == record.id)
            let stamp = try #require(revoked.revokedAt)
            #expect(try catalog.activeKeys().map(\.key.id) == [other.id])
            #expect(try catalog.activeKeys().allSatisfy { $0.hash != APIKeyMaterial.hash(key) })
            // Again, by id: unchanged, same timestamp.
            #expect(try manager.revoke(record.id) == revoked)
            #expect(try manager.list().first { $0.id == record.id }?.revokedAt == stamp)
            #expect(try manager.revoke(other.id).revokedAt != nil)
        }
    }

    @Test func revoke_unknownIsNotFoundAndASharedPrefixIsAConflict() throws {
        try withKeyCatalog { manager, catalog, _ in
            #expect(throws: ServiceError.notFound("key")) { try manager.revoke("bt_nothere") }
            try catalog.insertKey(
                KeyRecord(id: "key_0000000000000001", owner: "a", tier: "free", prefix: "bt_same00", createdAt: "1"),
                hash: "h1")
            try catalog.insertKey(
                KeyRecord(id: "key_0000000000000002", owner: "b", tier: "free", prefix: "bt_same00", createdAt: "2"),
                hash: "h2")
            do throws(ServiceError) {
                _ = try manager.revoke("bt_same00")
                Issue.record("revoked one of two")
            } catch {
                #expect(error.code == "conflict")
                #expect(error.message.contains("key_0000000000000001"))
                #expect(error.message.contains("key_0000000000000002"))
            }
            #expect(try catalog.activeKeys().count == 2)
            #expect(try manager.revoke("key_0000000000000002").revokedAt != nil)
            #expect(try catalog.activeKeys().map(\.key.id) == ["key_0000000000000001"])
        }
    }
}
