import Foundation
import TestSupport
import Testing

/// Grid chunks across nodes: one grid's chunks run on several node processes and the result is
/// byte-identical to a single SQLite node's. Kept apart from `NodeClusterTests`, which hold
/// whether or not a grid is split.
@Suite(.serialized) struct NodeChunkTests {
    /// About 2 M bar-variants a chunk: this grid (8,260 variants × 5,000 bars) splits into ~20.
    static let chunked = ["BACKTESTD_GRID_CHUNK_BAR_VARIANTS": "2000000"]

    @Test
    func gridChunksOfOneRunRanOnAtLeastTwoNodes_resultByteIdentical() throws {
        let request = NodeWorkload.grid("EURUSD", "1h", fastStop: 60, slowStop: 200, feeBps: 3)
        let reference = try ReferenceNode([request])
        defer { reference.close() }
        try NodeCluster.with { nodes in
            for name in ["node-a", "node-b", "node-c"] { try nodes.start(name, settings: Self.chunked) }
            let runID = try submit(try nodes.port("node-a"), request)
            #expect(try waitUntilFinished(try nodes.port("node-c"), runID, seconds: 120)["status"] == "DONE")
            let ran = try nodesThatRanChunks(of: runID, nodes)
            #expect(ran.count >= 2, "the chunks ran on \(ran) only")
            let expected = try #require(try reference.documents().first)
            for (name, port) in nodes.ports {
                let documents = try resultDocuments(port, runID)
                for (path, text) in expected { #expect(documents[path] == text, "\(path) through \(name)") }
            }
            let events = frames(try call(try nodes.port("node-b"), "GET", "/runs/\(runID)/events").text).events
            #expect(
                events.filter { ["completed", "failed", "cancelled"].contains($0.type) }.map(\.type) == ["completed"])
            #expect(nodes.stopAll().isEmpty)
        }
    }

    /// The nodes whose log records storing a chunk of `runID` (a DONE chunk keeps no owner, and
    /// the run's chunks are dropped once its result is stored).
    private func nodesThatRanChunks(of runID: String, _ nodes: NodeCluster) throws -> Set<String> {
        Set(
            nodes.ports.map(\.name).filter { name in
                nodes.log(name).split(separator: "\n").contains { line in
                    line.contains("grid chunk stored") && line.contains(runID)
                }
            })
    }
}
