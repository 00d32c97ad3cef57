import Catalog
import Dispatch
import Foundation
import Synchronization

/// The API keys the server accepts: a snapshot of the catalog's active keys, reloaded when it is
/// more than a second old, so a key revoked by `backtestd keys revoke` (another process) stops
/// working within a second. Lookups go by the SHA-256 of the presented key; an unknown key and a
/// revoked one take the same path (neither is in the snapshot), so answers say nothing about which
/// keys exist.
public final class KeyDirectory: Sendable {
    /// Who a key (or a session opened with it) stands for.
    public struct Identity: Sendable, Equatable {
        public let keyID: String
        public let owner: String
        public let tier: KeyTier
        public let prefix: String
    }

    private struct Snapshot {
        var byHash: [String: Identity] = [:]
        var byID: [String: Identity] = [:]
        /// Until the keys were read once, the server is not known to be single-user: it fails
        /// closed (every key refused, no request let in as the local owner).
        var hasKeys = true
        var loadedAt = -Double.infinity
        /// When each key's `last_used_at` and each session's expiry were last written.
        var keysTouched: [String: Double] = [:]
        var sessionsExtended: [String: Double] = [:]
    }

    /// Sessions live this long after their last use (sliding).
    public static let sessionLifetime: Double = 12 * 3600
    /// `last_used_at` and session expiries are written at most this often.
    static let touchInterval: Double = 60

    private let catalog: Catalog
    private let state = Mutex(Snapshot())
    /// Reads the active keys and the count of all keys (the catalog's; replaceable in tests).
    private let load: @Sendable () throws -> (active: [(hash: String, key: KeyRecord)], count: Int)
    private let refreshSeconds: Double
    private let clock: @Sendable () -> Double
    private let writes = DispatchQueue(label: "backtestd.keys.touch")

    public convenience init(
        catalog: Catalog, refreshSeconds: Double = 1,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.init(
            catalog: catalog, refreshSeconds: refreshSeconds, clock: clock,
            load: { (try catalog.activeKeys(), try catalog.keyCount()) })
    }

    init(
        catalog: Catalog, refreshSeconds: Double = 1, clock: @escaping @Sendable () -> Double,
        load: @escaping @Sendable () throws -> (active: [(hash: String, key: KeyRecord)], count: Int)
    ) {
        self.catalog = catalog
        self.refreshSeconds = refreshSeconds
        self.clock = clock
        self.load = load
    }

    /// Whether any key was ever created (revoked ones count: revoking the last key must not turn
    /// the server back into an open single-user one).
    public var hasKeys: Bool {
        refreshIfStale(now: clock())
        return state.withLock { $0.hasKeys }
    }

    /// The identity of a presented key; nil for a malformed, unknown or revoked one.
    public func identity(forKey key: String) -> Identity? {
        guard APIKeyMaterial.isWellFormed(key) else { return nil }
        let hash = APIKeyMaterial.hash(key)
        let now = clock()
        refreshIfStale(now: now)
        // One lock for the lookup and the decision to write `last_used_at`: this is every request.
        let (identity, due) = state.withLock { snapshot -> (Identity?, Bool) in
            guard let identity = snapshot.byHash[hash] else { return (nil, false) }
            let due = now - (snapshot.keysTouched[identity.keyID] ?? -.infinity) >= Self.touchInterval
            if due { snapshot.keysTouched[identity.keyID] = now }
            return (identity, due)
        }
        if let identity, due { touch(identity) }
        return identity
    }

    /// The identity behind a session cookie; nil when unknown, expired, or its key was revoked.
    /// Each use pushes the expiry 12 hours on (written at most once a minute).
    public func identity(forSession session: String) -> Identity? {
        guard session.utf8.count <= 64, !session.isEmpty else { return nil }
        let hash = APIKeyMaterial.hash(session)
        let now = clock()
        refreshIfStale(now: now)
        guard let stored = try? catalog.session(hash: hash), Double(stored.expiresMilliseconds) / 1000 > now,
            let identity = state.withLock({ $0.byID[stored.keyID] })
        else { return nil }
        let (extend, touchKey) = state.withLock { snapshot -> (Bool, Bool) in
            let extend = now - (snapshot.sessionsExtended[hash] ?? -.infinity) >= Self.touchInterval
            if extend { snapshot.sessionsExtended[hash] = now }
            let touchKey = now - (snapshot.keysTouched[identity.keyID] ?? -.infinity) >= Self.touchInterval
            if touchKey { snapshot.keysTouched[identity.keyID] = now }
            return (extend, touchKey)
        }
        if extend {
            let expires = Int64((now + Self.sessionLifetime) * 1000)
            let catalog = self.catalog
            writes.async { try? catalog.extendSession(hash: hash, expiresMilliseconds: expires) }
        }
        if touchKey { touch(identity) }
        return identity
    }

    /// Opens a session for `identity`: the id for the cookie (only its hash is stored).
    public func openSession(for identity: Identity) throws(ServiceError) -> String {
        let session = APIKeyMaterial.sessionID()
        let now = clock()
        do {
            try catalog.insertSession(
                hash: APIKeyMaterial.hash(session), keyID: identity.keyID, createdAt: Identifiers.now(),
                expiresMilliseconds: Int64((now + Self.sessionLifetime) * 1000))
            try catalog.deleteExpiredSessions(nowMilliseconds: Int64(now * 1000))
        } catch {
            throw ServiceError.catalogRefused(error, "the session")
        }
        return session
    }

    public func closeSession(_ session: String) {
        try? catalog.deleteSession(hash: APIKeyMaterial.hash(session))
    }

    /// Forgets the snapshot: a key created or revoked through this server counts at once.
    public func reload() {
        state.withLock { $0.loadedAt = -.infinity }
    }

    /// Reloads the active keys when the snapshot is older than the refresh interval. A catalog
    /// that cannot be read keeps the previous snapshot (and is tried again on the next request);
    /// before a first successful read that is the closed one.
    private func refreshIfStale(now: Double) {
        guard state.withLock({ now - $0.loadedAt >= refreshSeconds }) else { return }
        guard let (active, count) = try? load() else { return }
        var byHash: [String: Identity] = [:]
        var byID: [String: Identity] = [:]
        for (hash, record) in active {
            guard let tier = KeyTier(rawValue: record.tier) else { continue }
            let identity = Identity(keyID: record.id, owner: record.owner, tier: tier, prefix: record.prefix)
            byHash[hash] = identity
            byID[record.id] = identity
        }
        state.withLock { snapshot in
            (snapshot.byHash, snapshot.byID, snapshot.hasKeys, snapshot.loadedAt) = (byHash, byID, count > 0, now)
        }
    }

    /// Writes `last_used_at` off the request path.
    private func touch(_ identity: Identity) {
        let catalog = self.catalog
        writes.async { try? catalog.touchKey(id: identity.keyID, at: Identifiers.now()) }
    }
}
