import BacktestService
import Foundation
import TestSupport
import Testing

/// Real `backtestd serve` processes (the built binary) sharing one fresh database of the test
/// PostgreSQL cluster: each node on an ephemeral loopback port with its own `node_id` and
/// `data_dir`, and a short lease so a killed node's runs come back within seconds. Nodes can be
/// started (also late), SIGKILLed, stopped and restarted under the same `node_id`; the catalog can
/// be read directly for what no API shows (a run's `lease_owner`).
final class NodeCluster: @unchecked Sendable {
    let cluster: PostgresCluster
    let database: String
    let url: String
    /// Lease settings of every node: short, so recovery after SIGKILL takes seconds.
    let leaseSeconds: String
    let heartbeatSeconds: String
    private let root = Paths.temporaryDirectory()
    private let lock = NSLock()
    private var live: [String: ServerProcess] = [:]

    private init(cluster: PostgresCluster, database: String, leaseSeconds: String, heartbeatSeconds: String) {
        self.cluster = cluster
        self.database = database
        self.url = cluster.url(database: database)
        self.leaseSeconds = leaseSeconds
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// Runs `body` with a cluster on a fresh database; afterwards every node still running is
    /// SIGKILLed, the data directories removed and the database dropped, whatever `body` did.
    /// Without PostgreSQL (it could not be installed) the test prints a loud SKIPPED and passes.
    static func with(
        _ test: String = #function, leaseSeconds: String = "2", heartbeatSeconds: String = "0.5",
        _ body: (NodeCluster) throws -> Void
    ) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first (swift build)")
        guard let cluster = PostgresCluster.shared else {
            FileHandle.standardError.write(Data("SKIPPED (PostgreSQL is not installed): \(test)\n".utf8))
            return
        }
        let database = try cluster.createDatabase()
        let nodes = NodeCluster(
            cluster: cluster, database: database, leaseSeconds: leaseSeconds, heartbeatSeconds: heartbeatSeconds)
        defer {
            nodes.killAll()
            try? FileManager.default.removeItem(atPath: nodes.root)
            cluster.dropDatabase(database)
        }
        try body(nodes)
    }

    // MARK: Nodes

    /// Starts node `name` (its `node_id`, also its data directory's name, kept across restarts)
    /// and returns its port once it listens.
    @discardableResult
    func start(_ name: String, workers: Int = 1) throws -> UInt16 {
        let directory = root + "/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let node = try ServerProcess(
            dataDirectory: directory,
            environment: [
                "BACKTESTD_CATALOG_URL": url, "BACKTESTD_NODE_ID": name, "BACKTESTD_WORKERS": String(workers),
                "BACKTESTD_LEASE_S": leaseSeconds, "BACKTESTD_LEASE_HEARTBEAT_S": heartbeatSeconds,
                "BACKTESTD_EVENT_POLL_MS": "50",
            ])
        lock.withLock { live[name] = node }
        return node.port
    }

    func port(_ name: String) throws -> UInt16 {
        guard let node = lock.withLock({ live[name] }) else {
            throw TestClient.Failure(message: "node \(name) is not running")
        }
        return node.port
    }

    /// The ports of the nodes running now, by name.
    var ports: [(name: String, port: UInt16)] {
        lock.withLock { live.map { ($0.key, $0.value.port) }.sorted { $0.name < $1.name } }
    }

    /// SIGKILL: the node dies at once, holding whatever it holds (its leases lapse).
    func kill9(_ name: String) {
        guard let node = lock.withLock({ live.removeValue(forKey: name) }) else { return }
        node.kill9()
    }

    /// SIGSTOP / SIGCONT: the node freezes (a VM pause, a stop-the-world stall) holding its
    /// connections and leases, and later carries on where it was.
    func pause(_ name: String) throws { try signal(name, SIGSTOP) }
    func resume(_ name: String) throws { try signal(name, SIGCONT) }

    private func signal(_ name: String, _ number: Int32) throws {
        guard let node = lock.withLock({ live[name] }) else {
            throw TestClient.Failure(message: "node \(name) is not running")
        }
        kill(node.process.processIdentifier, number)
    }

    /// True once some node of this database holds the leader's advisory lock.
    func hasLeader() throws -> Bool {
        try query(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        ).first?.first != "0"
    }

    /// SIGTERM (SIGKILL after 20 s); returns the exit status (0 for a clean shutdown).
    @discardableResult
    func stop(_ name: String) -> Int32 {
        guard let node = lock.withLock({ live.removeValue(forKey: name) }) else { return -1 }
        return node.terminate()
    }

    /// Stops every node with SIGTERM; returns the names of those that did not exit 0.
    func stopAll() -> [String] {
        let names = lock.withLock { Array(live.keys) }.sorted()
        return names.filter { stop($0) != 0 }
    }

    private func killAll() {
        for name in lock.withLock({ Array(live.keys) }) { kill9(name) }
    }

    /// What node `name` wrote on stdout (its JSON log).
    func log(_ name: String) -> String { lock.withLock { live[name]?.log.text } ?? "" }

    // MARK: The catalog, read directly

    func query(_ sql: String) throws -> [[String]] { try cluster.query(sql, database: database) }

    /// `id → lease_owner` of every run (the node that claimed it last).
    func leaseOwners() throws -> [String: String] {
        var owners: [String: String] = [:]
        for row in try query("SELECT id, COALESCE(lease_owner, '') FROM runs") where row.count == 2 {
            owners[row[0]] = row[1]
        }
        return owners
    }

    /// The runs RUNNING under a lease of node `name` now.
    func running(on name: String) throws -> [String] {
        try query("SELECT id FROM runs WHERE status = 'RUNNING' AND lease_owner = '\(name)' ORDER BY ord").map {
            $0[0]
        }
    }

    /// Waits until node `name` holds a RUNNING run, and returns it.
    func waitForRun(on name: String, seconds: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let id = try running(on: name).first { return id }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestClient.Failure(message: "node \(name) never ran anything")
    }

    /// Waits until `runID` is RUNNING and returns the node holding its lease.
    func waitForOwner(of runID: String, seconds: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let row = try query("SELECT status, COALESCE(lease_owner, '') FROM runs WHERE id = '\(runID)'").first
            if let row, row.count == 2, row[0] == "RUNNING", !row[1].isEmpty { return row[1] }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestClient.Failure(message: "run \(runID) was never RUNNING")
    }
}

// MARK: HTTP helpers for node tests

/// Submits `body` through `port`; returns the run id of a new run (202).
func submit(_ port: UInt16, _ body: String) throws -> String {
    let response = try call(port, "POST", "/backtests", body: body)
    guard response.status == 202, let id = try json(response)["run_id"]?.string else {
        throw TestClient.Failure(message: "submit answered \(response.status): \(response.text)")
    }
    return id
}

/// Follows a run's events over SSE through `port` until the server closes the stream (after the
/// terminal event); returns the raw stream.
func followEvents(_ port: UInt16, _ runID: String, headers: [String] = [], seconds: Double = 120) throws -> String {
    let client = try TestClient(port: port, timeout: seconds)
    try client.send(rawRequest("/runs/\(runID)/events?follow=1", headers: headers))
    let response = try client.readResponse()
    guard response.status == 200 else {
        throw TestClient.Failure(message: "follow answered \(response.status): \(response.text)")
    }
    return response.text
}

/// An SSE stream without its keep-alive comments (which depend on timing, not on the log).
func withoutKeepAlives(_ text: String) -> String {
    text.components(separatedBy: "\n\n").filter { !$0.hasPrefix(":") }.joined(separator: "\n\n")
}

/// The documents a DONE run is read through (results, rank 1's trades and equity curve), raw
/// bytes with the run id replaced: a run id is the one thing two catalogs give differently.
func resultDocuments(_ port: UInt16, _ runID: String) throws -> [String: String] {
    var documents: [String: String] = [:]
    for path in ["results?limit=1000", "trades?limit=10000", "equity?max_points=100000"] {
        let response = try call(port, "GET", "/runs/\(runID)/\(path)")
        guard response.status == 200 else {
            throw TestClient.Failure(message: "GET \(path) of \(runID) answered \(response.status): \(response.text)")
        }
        documents[path] = response.text.replacingOccurrences(of: runID, with: "RUN")
    }
    return documents
}

/// Strings gathered across threads, by key.
final class Gathered: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: String] = [:]
    func set(_ key: String, _ text: String) { lock.withLock { stored[key] = text } }
    func get(_ key: String) -> String? { lock.withLock { stored[key] } }
}
