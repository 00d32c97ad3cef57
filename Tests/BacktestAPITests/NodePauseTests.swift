import Foundation
import TestSupport
import Testing

/// A node frozen (SIGSTOP) past its lease while running a grid, then thawed after another node
/// finished the run: the thawed node must write nothing more into that run. Before the claim
/// fenced event appends, it went on appending its events (here the grid's `VALIDATING` stage)
/// after the run's terminal event, into a log another claim had written.
@Suite(.serialized) struct NodePauseTests {
    /// A grid with a validation stage: after its grid, a node always writes one more event.
    static func validatedGrid(feeBps: Int) -> String {
        #"{"symbol":"EURUSD","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":20,"step":1}},"slow":{"range":{"start":21,"stop":80,"step":1}}},"execution":{"fee_bps":\#(feeBps)},"validation":{"permutation":{"n":5}}}"#
    }

    @Test func aNodeThawedAfterItsRunFinishedElsewhere_writesNothingIntoIt() throws {
        try NodeCluster.with { nodes in
            // node-a leads (started first, alone), so the frozen node is not the leader: a frozen
            // leader keeps its advisory lock and nobody would reap.
            try nodes.start("node-a")
            let deadline = Date().addingTimeInterval(20)
            while try !nodes.hasLeader() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            try #require(try nodes.hasLeader())
            try nodes.start("node-b")
            // Two grids: node-a and node-b take one each; node-b's must be a validated one.
            let portA = try nodes.port("node-a")
            let first = try submit(portA, Self.validatedGrid(feeBps: 2))
            let firstOwner = try nodes.waitForOwner(of: first)
            let second = try submit(
                portA, firstOwner == "node-b" ? NodeWorkload.longGrid(feeBps: 60) : Self.validatedGrid(feeBps: 3))
            let frozenRun = firstOwner == "node-b" ? first : second
            #expect(try nodes.waitForOwner(of: frozenRun) == "node-b")
            try nodes.pause("node-b")
            // A free node to take the run once the leader re-queues it.
            try nodes.start("node-c")
            for id in [first, second] {
                #expect(try waitUntilFinished(portA, id, seconds: 120)["status"] == "DONE")
            }
            let before = frames(try call(portA, "GET", "/runs/\(frozenRun)/events").text).events
            #expect(
                before.contains { $0.data["data"]?["reason"]?.string == "re-queued: the lease of node node-b expired" })
            try nodes.resume("node-b")
            // node-b has one worker: once it answers a new run, it is done with the thawed one.
            #expect(nodes.stop("node-a") == 0)
            #expect(nodes.stop("node-c") == 0)
            let portB = try nodes.port("node-b")
            let probe = try submit(portB, NodeWorkload.single("GOOG", "1d", fast: 7, slow: 70, feeBps: 0))
            #expect(try waitUntilFinished(portB, probe, seconds: 120)["status"] == "DONE")
            let after = frames(try call(portB, "GET", "/runs/\(frozenRun)/events").text).events
            #expect(after.map(\.id) == before.map(\.id), "the thawed node wrote \(after.count - before.count) events")
            #expect(after.last?.type == "completed")
            #expect(after.filter { ["completed", "failed", "cancelled"].contains($0.type) }.count == 1)
            #expect(try json(try call(portB, "GET", "/runs/\(frozenRun)"))["status"] == "DONE")
            #expect(nodes.stopAll().isEmpty)
        }
    }

    /// The leader frozen while it runs a grid: it keeps its connection, and with it the advisory
    /// lock. The server ends that idle session after a lease (`idle_session_timeout`), so another
    /// node leads, re-queues the frozen leader's run and finishes it; before, nothing was reaped
    /// until the leader thawed. Thawed, the old leader reconnects and serves again.
    @Test func aFrozenLeader_losesLeadership_andItsRunIsFinishedElsewhere() throws {
        try NodeCluster.with { nodes in
            let portA = try nodes.start("node-a")
            let deadline = Date().addingTimeInterval(20)
            while try !nodes.hasLeader() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            try #require(try nodes.hasLeader())
            // node-a is alone: it leads and takes the run.
            let runID = try submit(portA, NodeWorkload.longGrid(feeBps: 70))
            #expect(try nodes.waitForOwner(of: runID) == "node-a")
            let portB = try nodes.start("node-b")
            try nodes.pause("node-a")
            let run = try waitUntilFinished(portB, runID, seconds: 60)
            #expect(run["status"] == "DONE")
            #expect(try nodes.leaseOwners()[runID] == "node-b")
            let events = frames(try call(portB, "GET", "/runs/\(runID)/events").text).events
            #expect(
                events.contains { $0.data["data"]?["reason"]?.string == "re-queued: the lease of node node-a expired" })
            try nodes.resume("node-a")
            #expect(answersHealth(portA, within: 10))
            let probe = try submit(portA, NodeWorkload.single("GOOG", "1d", fast: 8, slow: 80, feeBps: 0))
            #expect(try waitUntilFinished(portA, probe, seconds: 60)["status"] == "DONE")
            let after = frames(try call(portA, "GET", "/runs/\(runID)/events").text).events
            #expect(after.map(\.id) == events.map(\.id))
            #expect(nodes.stopAll().isEmpty)
        }
    }
}
