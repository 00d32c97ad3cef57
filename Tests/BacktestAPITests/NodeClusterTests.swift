import BacktestService
import Foundation
import TestSupport
import Testing

/// Issue 14's multi-process test: real `backtestd serve` processes on one PostgreSQL database.
/// The assertions hold whether a grid runs whole on one node or in chunks on several: they look at
/// run outcomes, event logs and result bytes, not at which node ran what (except the late-join
/// test, whose point that is).
@Suite(.serialized) struct NodeClusterTests {
    /// 20 runs submitted round robin over three nodes, grids split into chunks; node-b SIGKILLed
    /// inside a run (working one of its chunks). The leader
    /// re-queues what node-b held once its lease lapses; node-b restarts under its `node_id` and
    /// takes work again. Every run ends DONE exactly once, with results, trades and equity byte
    /// for byte those of one SQLite node given the same requests.
    @Test func twentyRunsOverThreeNodes_oneKilled_eachDoneOnce_likeOneSQLiteNode() throws {
        let requests = NodeWorkload.mixed
        let reference = try ReferenceNode(requests)
        defer { reference.close() }
        try NodeCluster.with { nodes in
            // Grids split into chunks (a few per long grid): node-b dies inside a chunk.
            for name in ["node-a", "node-b", "node-c"] { try nodes.start(name, settings: NodeChunkTests.chunked) }
            let ports = nodes.ports.map(\.port)
            let ids = try requests.indices.map { try submit(ports[$0 % ports.count], requests[$0]) }
            #expect(Set(ids).count == requests.count)
            _ = try nodes.waitForRun(on: "node-b")
            Thread.sleep(forTimeInterval: 0.3)
            nodes.kill9("node-b")
            let orphaned = try nodes.running(on: "node-b")
            #expect(!orphaned.isEmpty, "node-b died holding no run: nothing was recovered")
            // The leader (node-a or node-c; node-b may have been it) re-queues them after the lease.
            let deadline = Date().addingTimeInterval(30)
            while try !nodes.running(on: "node-b").isEmpty && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(try nodes.running(on: "node-b").isEmpty, "node-b's runs were never re-queued")
            try nodes.start("node-b", settings: NodeChunkTests.chunked)
            let live = nodes.ports
            for (index, id) in ids.enumerated() {
                let run = try waitUntilFinished(live[index % live.count].port, id, seconds: 120)
                #expect(run["status"] == "DONE", "run \(index) \(id) ended \(run["status"] ?? .null)")
            }
            for (index, id) in ids.enumerated() {
                let port = live[index % live.count].port
                let events = frames(try call(port, "GET", "/runs/\(id)/events").text).events
                #expect(events.map(\.id) == Array(0..<events.count), "run \(index): seqs not 0…n-1")
                let terminal = events.filter { ["completed", "failed", "cancelled"].contains($0.type) }
                #expect(terminal.map(\.type) == ["completed"], "run \(index): terminal events \(terminal.map(\.type))")
                #expect(events.last?.type == "completed", "run \(index): events after the terminal one")
                if orphaned.contains(id) {
                    #expect(
                        events.contains {
                            $0.data["data"]?["reason"]?.string == "re-queued: the lease of node node-b expired"
                        }, "run \(index) held by node-b has no re-queue event")
                }
            }
            // One result row per rank: a run finished twice would have stored its rows twice.
            let duplicated = try nodes.query(
                "SELECT run_id FROM results GROUP BY run_id, rank HAVING count(*) > 1 LIMIT 5")
            #expect(duplicated.isEmpty, "result rows stored twice: \(duplicated)")
            // Three nodes sealed runs of one owner at once: the artifact chain is one chain, and
            // every file held in the catalog matches its manifest.
            let empty = Paths.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: empty) }
            let verified = try runBinary(
                ["verify", "--data-dir", empty], environment: ["BACKTESTD_CATALOG_URL": nodes.url])
            #expect(verified.status == 0, "verify: \(verified.stdout)")
            #expect(verified.stdout.hasPrefix("ok: \(requests.count) manifests"), "verify: \(verified.stdout)")
            let expected = try reference.documents()
            for (index, id) in ids.enumerated() {
                // Through each node in turn: all read the same catalog.
                let (name, port) = live[index % live.count]
                let documents = try resultDocuments(port, id)
                for (path, text) in expected[index].sorted(by: { $0.key < $1.key }) {
                    #expect(documents[path] == text, "run \(index) \(path) through \(name) differs from SQLite")
                }
            }
            #expect(nodes.stopAll().isEmpty, "a node did not shut down cleanly")
        }
    }

    /// A run executing on one node, followed over SSE through a second from the start: the same
    /// stream, byte for byte, as the executing node's own follower. A third node resumes with
    /// `Last-Event-ID` from a seq already written and gets exactly the rest.
    @Test func runFollowedThroughAnotherNode_sameStream_resumesThroughAThird() throws {
        try NodeCluster.with { nodes in
            for name in ["node-a", "node-b", "node-c"] { try nodes.start(name) }
            let runID = try submit(try nodes.port("node-a"), NodeWorkload.longGrid())
            let executing = try nodes.waitForOwner(of: runID)
            let others = nodes.ports.filter { $0.name != executing }
            try #require(others.count == 2)
            let (follower, resumer) = (others[0].port, others[1].port)
            let stored = frames(try call(follower, "GET", "/runs/\(runID)/events").text).events
            let resumeFrom = try #require(stored.last?.id)
            let streams = Gathered()
            let plan = [
                ("executing", try nodes.port(executing), [String]()), ("follower", follower, []),
                ("resumer", resumer, ["Last-Event-ID: \(resumeFrom)"]),
            ]
            DispatchQueue.concurrentPerform(iterations: plan.count) { index in
                let (key, port, headers) = plan[index]
                do { streams.set(key, try followEvents(port, runID, headers: headers)) } catch {
                    streams.set(key + ".error", "\(error)")
                }
            }
            let onExecuting = try #require(streams.get("executing"), "\(streams.get("executing.error") ?? "")")
            let onFollower = try #require(streams.get("follower"), "\(streams.get("follower.error") ?? "")")
            let resumed = try #require(streams.get("resumer"), "\(streams.get("resumer.error") ?? "")")
            let events = frames(onFollower).events
            #expect(events.count > stored.count, "the run was over before the followers came: nothing was followed")
            #expect(events.map(\.id) == Array(0..<events.count))
            #expect(events.last?.type == "completed")
            #expect(withoutKeepAlives(onFollower) == withoutKeepAlives(onExecuting))
            let followerBlocks = withoutKeepAlives(onFollower).components(separatedBy: "\n\n")
            let resumedBlocks = withoutKeepAlives(resumed).components(separatedBy: "\n\n")
            #expect(frames(resumed).events.map(\.id) == Array((resumeFrom + 1)..<events.count))
            #expect(resumedBlocks == Array(followerBlocks.dropFirst(resumeFrom + 1)))
            #expect(try json(try call(resumer, "GET", "/runs/\(runID)"))["status"] == "DONE")
        }
    }

    /// Two nodes busy with a queue of grids; a third started late claims queued work: its
    /// `node_id` is the lease owner of runs it then finishes, and its log says it ran them.
    @Test func aNodeStartedLate_joinsAndTakesWork() throws {
        try NodeCluster.with { nodes in
            try nodes.start("node-a")
            try nodes.start("node-b")
            let ports = nodes.ports.map(\.port)
            let ids = try (0..<5).map { try submit(ports[$0 % 2], NodeWorkload.longGrid(feeBps: 20 + $0)) }
            _ = try nodes.waitForRun(on: "node-a")
            _ = try nodes.waitForRun(on: "node-b")
            let queued = try nodes.query("SELECT count(*) FROM runs WHERE status = 'QUEUED'").first?.first
            #expect(queued.flatMap { Int($0) }.map { $0 > 0 } == true, "no work left for a late node")
            let late = try nodes.start("node-d")
            for id in ids { #expect(try waitUntilFinished(late, id, seconds: 120)["status"] == "DONE") }
            let ranOnD = try runsExecuted(by: "node-d", nodes).filter(ids.contains)
            #expect(!ranOnD.isEmpty, "the late node took no run")
            let log = nodes.log("node-d")
            for id in ranOnD { #expect(log.contains(id), "node-d's log does not mention \(id)") }
            #expect(nodes.stopAll().isEmpty)
        }
    }

    /// The runs whose (last) claim was node `name`'s. With grid chunks across nodes, this may
    /// have to look at chunk leases instead.
    private func runsExecuted(by name: String, _ nodes: NodeCluster) throws -> [String] {
        try nodes.leaseOwners().filter { $0.value == name }.map(\.key)
    }

    /// A cancel sent to a node that did not claim the run reaches the node that did, and every
    /// node working on one of its chunks.
    @Test
    func cancelThroughAnotherNode_stopsTheRunWhereItExecutes() throws {
        try NodeCluster.with { nodes in
            for name in ["node-a", "node-b", "node-c"] { try nodes.start(name, settings: NodeChunkTests.chunked) }
            let runID = try submit(try nodes.port("node-a"), NodeWorkload.longGrid(feeBps: 40))
            let executing = try nodes.waitForOwner(of: runID)
            let canceller = try #require(nodes.ports.first { $0.name != executing }?.port)
            let accepted = try call(canceller, "POST", "/runs/\(runID)/cancel")
            #expect(accepted.status == 202)
            let run = try waitUntilFinished(canceller, runID, seconds: 30)
            #expect(run["status"] == "CANCELLED")
            let events = frames(try call(try nodes.port(executing), "GET", "/runs/\(runID)/events").text).events
            let terminal = events.filter { ["completed", "failed", "cancelled"].contains($0.type) }
            #expect(terminal.map(\.type) == ["cancelled"])
            #expect(events.map(\.id) == Array(0..<events.count))
            // The executing node let go of it and is free for the next run.
            #expect(try nodes.running(on: executing).isEmpty)
            let next = try submit(try nodes.port(executing), NodeWorkload.shortGrid(feeBps: 41))
            #expect(try waitUntilFinished(canceller, next, seconds: 60)["status"] == "DONE")
            #expect(nodes.stopAll().isEmpty)
        }
    }
}
