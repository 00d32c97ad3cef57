import Catalog
import Foundation
import Synchronization
import Testing

@testable import BacktestService

final class ManualClock: Sendable {
    let now = Mutex<Double>(2_000_000_000)
    var read: @Sendable () -> Double { { [self] in now.withLock { $0 } } }
    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
}

@Suite struct KeyDirectoryTests {
    @Test func sessions_expireAfter12Hours_slidingWithUse() throws {
        try withKeyCatalog { manager, catalog, _ in
            let clock = ManualClock()
            let directory = KeyDirectory(catalog: catalog, clock: clock.read)
            let (key, _) = try manager.create(owner: "alice", tier: .free)
            let identity = try #require(directory.identity(forKey: key))
            let session = try directory.openSession(for: identity)
            let hash = APIKeyMaterial.hash(session)
            #expect(directory.identity(forSession: session) == identity)
            // 11 h later it still works, and that use moves the expiry 12 h on (written off the path).
            clock.advance(11 * 3600)
            #expect(directory.identity(forSession: session) == identity)
            let wanted = Int64((clock.read() + KeyDirectory.sessionLifetime) * 1000)
            let deadline = Date().addingTimeInterval(5)
            while try catalog.session(hash: hash)?.expiresMilliseconds != wanted && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(try catalog.session(hash: hash)?.expiresMilliseconds == wanted)
            clock.advance(12 * 3600 - 1)
            #expect(directory.identity(forSession: session) == identity)
            // Unused for more than 12 h: gone.
            clock.advance(12 * 3600 + 1)
            #expect(directory.identity(forSession: session) == nil)
            #expect(directory.identity(forSession: "not-a-session") == nil)
        }
    }

    @Test func anUnreadableCatalog_failsClosed_untilTheKeysAreRead() throws {
        struct Unreadable: Error {}
        try withKeyCatalog { _, catalog, _ in
            let clock = ManualClock()
            let readable = Mutex(false)
            let directory = KeyDirectory(
                catalog: catalog, clock: clock.read,
                load: {
                    guard readable.withLock({ $0 }) else { throw Unreadable() }
                    return ([], 0)
                })
            // Never read: not known to be single-user, so not treated as one.
            #expect(directory.hasKeys)
            #expect(directory.identity(forKey: "bt_" + String(repeating: "1", count: 44)) == nil)
            readable.withLock { $0 = true }
            clock.advance(1)
            #expect(!directory.hasKeys)
            // Read once: a later failure keeps what was read.
            readable.withLock { $0 = false }
            clock.advance(1)
            #expect(!directory.hasKeys)
        }
    }

    @Test func revocations_andNewKeys_areSeenAfterTheRefreshInterval() throws {
        try withKeyCatalog { manager, catalog, _ in
            let clock = ManualClock()
            let directory = KeyDirectory(catalog: catalog, clock: clock.read)
            #expect(!directory.hasKeys)
            let (key, record) = try manager.create(owner: "alice", tier: .free)
            #expect(!directory.hasKeys)  // the snapshot is under a second old
            clock.advance(1)
            #expect(directory.hasKeys)
            #expect(directory.identity(forKey: key)?.owner == "alice")
            _ = try manager.revoke(record.id)
            #expect(directory.identity(forKey: key) != nil)
            clock.advance(1)
            #expect(directory.identity(forKey: key) == nil)
            // Revoking the last key does not reopen single-user mode.
            #expect(directory.hasKeys)
            #expect(directory.identity(forKey: "bt_" + String(repeating: "1", count: 44)) == nil)
            #expect(directory.identity(forKey: "") == nil)
        }
    }
}
