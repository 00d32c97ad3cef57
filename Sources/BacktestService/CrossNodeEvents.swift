import Catalog
import Dispatch
import Foundation
import Logging
import Synchronization

/// Feeds the hub on a shared (PostgreSQL) catalog, where any node may write a run's events.
/// Each commit that inserts an event notifies `backtestd_events` with (run id, seq); on hearing
/// one for a followed run, this reads the run's events after the last one delivered, by seq,
/// and delivers them in order. While the LISTEN connection is down it does the same for every
/// followed run every `pollInterval` instead, and once more on reconnecting (notifications sent
/// meanwhile are gone), so no event is lost — only later.
///
/// `@unchecked Sendable`: `delivered` is touched only on `queue`.
final class CrossNodeEvents: @unchecked Sendable {
    private let catalog: Catalog
    private let hub: EventHub
    private let logger: Logger
    private let queue = DispatchQueue(label: "backtestd.events.relay")
    /// Highest seq delivered per followed run (dropped with the run's last follower).
    private var delivered: [String: Int] = [:]
    private let listening = Atomic<Bool>(false)
    private var listener: EventListener?
    private var timer: (any DispatchSourceTimer)?

    /// Nil on SQLite (one node: the hub is fed directly by the writer).
    /// `onCancel` gets the run id of each cancel notification (a hint: see `Catalog.requestCancel`).
    init?(
        catalog: Catalog, hub: EventHub, pollInterval: Double, logger: Logger,
        onCancel: @escaping @Sendable (String) -> Void
    ) {
        self.catalog = catalog
        self.hub = hub
        self.logger = logger
        let listener = catalog.listenForEvents(
            onEvent: { [weak self] runID, seq in self?.heard(runID, seq) }, onCancel: onCancel,
            onConnection: { [weak self] up in self?.connection(up) })
        guard let listener else { return nil }
        self.listener = listener
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(max(1, Int(pollInterval * 1000)))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self, !self.listening.load(ordering: .acquiring) else { return }
            self.sweep()
        }
        timer.resume()
        self.timer = timer
    }

    /// The listening connection's server pid (0 while down), for tests that cut it.
    var listenerPID: Int32 { listener?.backendPID ?? 0 }

    func stop() {
        timer?.cancel()
        listener?.stop()
    }

    private func heard(_ runID: String, _ seq: Int) {
        queue.async { [self] in
            guard hub.isFollowed(runID) else {
                delivered[runID] = nil
                return
            }
            let after = delivered[runID] ?? (seq - 1)
            guard seq > after else { return }
            catchUp(runID, after: after)
        }
    }

    private func connection(_ up: Bool) {
        listening.store(up, ordering: .releasing)
        if up {
            logger.info("listening for events of other nodes", metadata: ["channel": "\(EventListener.channel)"])
            queue.async { [self] in sweep() }
        } else {
            // Once per outage: the listener reconnects on its own, followers read by seq meanwhile.
            logger.warning("event LISTEN connection lost: followers read new events by seq until it is back")
        }
    }

    /// Reads every followed run's new events (a run first seen here is read from its start;
    /// followers skip what they already wrote).
    private func sweep() {
        let followed = Set(hub.followedRuns)
        for runID in delivered.keys where !followed.contains(runID) { delivered[runID] = nil }
        for runID in followed { catchUp(runID, after: delivered[runID] ?? -1) }
    }

    private func catchUp(_ runID: String, after: Int) {
        let events: [EventRecord]
        do { events = try catalog.events(runID: runID, after: after) } catch {
            // The next notification or sweep reads them again from the same seq.
            logger.warning("cannot read events to relay", metadata: ["run_id": "\(runID)", "error": "\(error)"])
            return
        }
        for event in events {
            let terminal = RunEvent(event).isTerminal
            hub.deliver(event, terminal: terminal)
            delivered[runID] = terminal ? nil : event.seq
        }
    }
}
