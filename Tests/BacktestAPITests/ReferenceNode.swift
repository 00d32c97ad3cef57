import Foundation
import TestSupport
import Testing

/// One `backtestd serve` process on its default SQLite catalog, given the same requests as a
/// cluster: what the cluster's results must equal byte for byte. It starts working at once, so it
/// runs alongside the cluster under test.
final class ReferenceNode {
    private let directory = Paths.temporaryDirectory()
    private let server: ServerProcess
    private let ids: [String]
    private var closed = false

    init(_ requests: [String]) throws {
        let server = try ServerProcess(dataDirectory: directory, environment: ["BACKTESTD_WORKERS": "2"])
        self.server = server
        do {
            ids = try requests.map { try submit(server.port, $0) }
        } catch {
            server.kill9()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Per request, in order: its result documents (see `resultDocuments`), once every run is DONE.
    func documents() throws -> [[String: String]] {
        try ids.map { id in
            let run = try waitUntilFinished(server.port, id, seconds: 180)
            guard run["status"] == "DONE" else {
                throw TestClient.Failure(message: "reference run \(id) ended \(run["status"] ?? .null)")
            }
            return try resultDocuments(server.port, id)
        }
    }

    /// Kills the process and removes its data directory (idempotent).
    func close() {
        guard !closed else { return }
        closed = true
        server.kill9()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
