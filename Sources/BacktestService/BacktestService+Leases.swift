import Catalog
import Foundation
import Logging

/// The node's side of run leases: the keeper that renews and reaps, and what a shutdown does
/// with the runs this node holds (see docs/scaling.md).
extension BacktestService {
    /// Starts the node's lease keeper: what its sweeps re-queue or fail is published, and the
    /// workers are woken to take it.
    static func keepLeases(
        catalog: Catalog, configuration: ServiceConfiguration, logger: Logger, hub: EventHub, pool: WorkerPool,
        artifactStore: any ArtifactStorage, cancellations: CancellationRegistry
    ) -> LeaseKeeper {
        LeaseKeeper(
            catalog: catalog, configuration: configuration, logger: logger,
            heartbeat: { try applyCancelFlags(catalog: catalog, cancellations: cancellations) }
        ) { recovery in
            for event in recovery.requeued {
                hub.publish(event)
                logger.warning("run re-queued: its lease expired", metadata: ["run_id": .string(event.runID)])
            }
            for event in recovery.failed {
                hub.publish(event, terminal: true)
                artifactStore.remove(event.runID)
                logger.error(
                    "run failed: its lease expired on every attempt", metadata: ["run_id": .string(event.runID)])
            }
            pool.wake()
        }
    }

    /// Stops the workers: in-flight runs stop at their next checkpoint. SQLite: they stay RUNNING
    /// in the catalog, so the next start re-queues them. A shared catalog: this node releases
    /// them at once (back to the queue, for the other nodes) and gives up leading the reaper.
    public func shutdown() {
        cancellations.beginShutdown()
        pool.stop(timeout: 10)
        leases.stop(timeout: 10)
        crossNode?.stop()
        guard catalog.isShared else { return }
        do {
            let released = try catalog.releaseLeases(
                owner: configuration.nodeID, at: Identifiers.now(),
                requeuedData: #"{"reason":"re-queued: its node shut down","status":"QUEUED"}"#)
            for event in released { hub.publish(event) }
            try catalog.resign()
        } catch {
            // Not released: the leases lapse and the leader re-queues the runs after `lease_s`.
            logger.warning("cannot release leases at shutdown", metadata: ["error": .string("\(error)")])
        }
    }

    /// Stops renewing leases and taking work without releasing anything, as if the process had
    /// been killed (tests of a node's death: its leases lapse and another node takes its runs).
    func abandon() {
        leases.stop(timeout: 10)
        cancellations.beginShutdown()
        pool.stop(timeout: 10)
        crossNode?.stop()
    }

}
