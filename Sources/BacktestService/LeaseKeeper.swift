import Catalog
import Foundation
import Logging
import Synchronization

/// One thread per node that renews the node's leases every heartbeat and, while this node leads
/// (see `Catalog.tryLead`), re-queues the runs whose lease expired: a node that died (killed,
/// cut off) loses its runs to the live ones one lease period after its last renewal.
final class LeaseKeeper: Sendable {
    private let stopping = Mutex(false)
    private let finished = DispatchGroup()
    private let wakeup = NSCondition()

    /// `heartbeat` runs after each renewal (the node reads the cancel flags of its runs there);
    /// `reaped` gets what each sweep did (events to publish, the pool to wake).
    init(
        catalog: Catalog, configuration: ServiceConfiguration, logger: Logger,
        heartbeat: @escaping @Sendable () throws -> Void = {},
        reaped: @escaping @Sendable (Catalog.Recovery) -> Void
    ) {
        let lease = RunLease(
            owner: configuration.nodeID, milliseconds: Self.milliseconds(configuration.leaseSeconds))
        let interval = max(0.01, configuration.leaseHeartbeatSeconds)
        let maxAttempts = configuration.maxRunAttempts
        finished.enter()
        let thread = Thread { [self] in
            defer { finished.leave() }
            while !stopping.withLock({ $0 }) {
                do {
                    try catalog.renewLeases(lease)
                    if try catalog.tryLead(idleLimitMilliseconds: lease.milliseconds) {
                        let recovery = try catalog.reapExpiredLeases(
                            at: Identifiers.now(), maxAttempts: maxAttempts,
                            requeuedData: Self.requeuedData,
                            failedData: { attempts in
                                JSONWriter.compact(
                                    .object([("message", .string(Self.expiredMessage(attempts))), ("status", "ERROR")]))
                            }, failedMessage: Self.expiredMessage)
                        if !recovery.requeued.isEmpty || !recovery.failed.isEmpty { reaped(recovery) }
                    }
                } catch {
                    // The next heartbeat tries again; a lease lapses only after `lease_s` of failures.
                    logger.warning("cannot renew or reap leases", metadata: ["error": .string("\(error)")])
                }
                do { try heartbeat() } catch {
                    // Read again at the next heartbeat: a cancel is delayed, not lost.
                    logger.warning("cannot read cancel requests", metadata: ["error": .string("\(error)")])
                }
                wakeup.lock()
                if !stopping.withLock({ $0 }) { _ = wakeup.wait(until: Date().addingTimeInterval(interval)) }
                wakeup.unlock()
            }
        }
        thread.name = "lease-keeper"
        thread.start()
    }

    /// Stops renewing (the node's leases then lapse unless released) and waits for the thread.
    func stop(timeout: Double) {
        wakeup.lock()
        stopping.withLock { $0 = true }
        wakeup.broadcast()
        wakeup.unlock()
        _ = finished.wait(timeout: .now() + timeout)
    }

    /// Seconds as whole milliseconds, clamped (settings are validated positive and finite).
    static func milliseconds(_ seconds: Double) -> Int {
        let value = (seconds * 1000).rounded(.up)
        guard value.isFinite else { return Int.max / 2 }
        return Int(min(max(value, 1), Double(Int.max / 2)))
    }

    /// The `stage` event of a run re-queued by the reaper.
    static func requeuedData(_ owner: String?) -> String {
        JSONWriter.compact(
            .object([
                ("reason", .string("re-queued: the lease of node \(owner ?? "(none)") expired")),
                ("status", "QUEUED"),
            ]))
    }

    static func expiredMessage(_ attempts: Int) -> String {
        "the run's node stopped renewing its lease \(attempts) times (the node died or was cut off while running it); not retried again"
    }
}
