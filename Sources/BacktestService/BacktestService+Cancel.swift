import Catalog
import Dispatch
import Logging

/// Cancel through any node. `POST /runs/{id}/cancel` on any node cancels a QUEUED run at once
/// and flags a RUNNING one in the catalog (PostgreSQL also notifies every node). Each node stops
/// the runs it works on whose flag is set: at once when it hears the notification, and at the
/// latest at its next lease heartbeat (which reads the flags whether or not notifications
/// arrive). The node owning the run then stores CANCELLED through the claim fence, exactly once.
extension BacktestService {
    /// `POST /runs/{id}/cancel`: true when accepted (QUEUED, or RUNNING on any node), false when
    /// already finished. A second cancel is harmless.
    public func cancel(id: String, caller: Caller = .local) throws(ServiceError) -> (JSONValue, accepted: Bool) {
        let outcome: (RunRecord, EventRecord?)?
        do {
            outcome = try catalog.requestCancel(
                id: id, owner: caller.owner, at: Identifiers.now(),
                eventData: #"{"message":null,"status":"CANCELLED"}"#)
        } catch { throw ServiceError.internalError }
        guard let (run, event) = outcome else { throw ServiceError.notFound("run \(id)") }
        if let event { hub.publish(event, terminal: true) }
        // SQLite: the run executes here (one node). Shared: here only if this node works on it;
        // the others hear the notification (and this node too, a moment later).
        if run.status == .running && (!catalog.isShared || cancellations.isActive(id)) {
            cancellations.request(id, .cancelled)
        }
        let accepted = event != nil || run.status == .running
        let status = event != nil ? "CANCELLED" : run.status.rawValue
        return (.object([("run_id", .string(id)), ("status", .string(status))]), accepted)
    }

    /// What a node does with a cancel notification: nothing unless it works on that run and the
    /// catalog says a cancel was asked (the payload is only a hint; anyone who may connect to the
    /// database can send one). Off the listener's thread, which must keep listening.
    static func cancelHeard(catalog: Catalog, cancellations: CancellationRegistry, logger: Logger)
        -> @Sendable (String) -> Void
    {
        { runID in
            guard cancellations.isActive(runID) else { return }
            DispatchQueue.global().async {
                do {
                    if try catalog.isCancelRequested(id: runID) { cancellations.request(runID, .cancelled) }
                } catch {
                    // The next heartbeat reads the flag again.
                    logger.warning(
                        "cannot read a cancel request", metadata: ["run_id": "\(runID)", "error": "\(error)"])
                }
            }
        }
    }

    /// The heartbeat's check (shared catalogs only): every run this node works on whose cancel
    /// flag is set stops at its next checkpoint, whether or not its notification arrived.
    static func applyCancelFlags(catalog: Catalog, cancellations: CancellationRegistry) throws {
        guard catalog.isShared else { return }
        let active = cancellations.activeRuns
        guard !active.isEmpty else { return }
        for runID in try catalog.cancelRequestedRuns().intersection(active) {
            cancellations.request(runID, .cancelled)
        }
    }
}
