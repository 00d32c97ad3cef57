import Foundation

/// A throwaway PostgreSQL cluster for the tests of one process: `initdb` in a temporary directory,
/// `pg_ctl` on a private port and socket directory, trust authentication for the `postgres`
/// superuser on 127.0.0.1 only, durability off (nothing in it outlives the run). Started on first
/// use, stopped and removed when the process exits; clusters left by a crashed run are reaped at
/// the next start. `initdb` refuses to run as root, so as root the server runs as the `postgres`
/// user (Debian's package creates it) through `runuser`.
public final class PostgresCluster: Sendable {
    /// The cluster every test of this process shares; nil (after a loud message) when PostgreSQL
    /// is not installed or the cluster would not start.
    public static let shared: PostgresCluster? = start()

    public let port: Int
    public let directory: String
    private let binaries: String
    private let runAs: String?

    private init(port: Int, directory: String, binaries: String, runAs: String?) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
        self.runAs = runAs
    }

    /// A libpq URI for `database` on this cluster.
    public func url(database: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

    /// Creates an empty database with a fresh name and returns the name.
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try Self.run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name])
        return name
    }

    /// Runs `sql` in `database` through `psql` (for what no catalog call does, such as
    /// `pg_terminate_backend`).
    public func execute(_ sql: String, database: String) throws {
        try Self.run(
            binaries + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-qAt", "-c", sql, database])
    }

    /// Runs one query in `database` through `psql` and returns its rows, one a line, columns
    /// separated by `|` (unaligned, tuples only): for tests that read what no API shows, such as
    /// a run's `lease_owner`.
    public func query(_ sql: String, database: String) throws -> [[String]] {
        let output = try Self.output(
            of: binaries + "/psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-qAt", "-c", sql, database])
        return output.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Drops a database, closing whatever connections are still open on it.
    public func dropDatabase(_ name: String) {
        try? Self.run(binaries + "/dropdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "--force", name])
    }

    /// Runs `body` with the URL of a fresh database, dropped afterwards; prints a loud notice and
    /// does nothing when no cluster is available.
    public static func withDatabase(_ test: String = #function, _ body: (String) throws -> Void) throws {
        guard let cluster = shared else {
            FileHandle.standardError.write(Data("SKIPPED (PostgreSQL is not installed): \(test)\n".utf8))
            return
        }
        let name = try cluster.createDatabase()
        defer { cluster.dropDatabase(name) }
        try body(cluster.url(database: name))
    }

    // MARK: Starting and stopping

    private static func start() -> PostgresCluster? {
        guard let binaries = installedBinaries() else {
            let notice = """

                ************************************************************************
                PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the
                PostgreSQL catalog tests are SKIPPED. `make test` installs it (Debian
                package `postgresql`).
                ************************************************************************

                """
            FileHandle.standardError.write(Data(notice.utf8))
            return nil
        }
        reapAbandonedClusters(binaries: binaries)
        do {
            let cluster = try launch(binaries: binaries)
            atexit { PostgresCluster.shared?.stop() }
            return cluster
        } catch {
            FileHandle.standardError.write(Data("\n*** the test PostgreSQL cluster did not start: \(error) ***\n".utf8))
            return nil
        }
    }

    /// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb` and `pg_ctl`.
    static func installedBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted(by: >).map { "\(root)/\($0)/bin" }.first { bin in
            FileManager.default.isExecutableFile(atPath: bin + "/initdb")
                && FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl")
        }
    }

    private static func launch(binaries: String) throws -> PostgresCluster {
        let runAs = getuid() == 0 ? "postgres" : nil
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backtestd-pg-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory + "/sockets", withIntermediateDirectories: true)
        try String(getpid()).write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        if let runAs {
            for path in [directory, directory + "/sockets"] {
                try FileManager.default.setAttributes([.ownerAccountName: runAs], ofItemAtPath: path)
            }
        }
        let data = directory + "/data"
        try run(
            binaries + "/initdb",
            ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], as: runAs)
        let port = try freePort()
        let options = [
            "-p \(port)", "-k \(directory)/sockets", "-c listen_addresses=127.0.0.1", "-c fsync=off",
            "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=300",
        ].joined(separator: " ")
        try run(
            binaries + "/pg_ctl",
            ["-D", data, "-o", options, "-l", directory + "/server.log", "-w", "-t", "60", "start"],
            as: runAs)
        return PostgresCluster(port: port, directory: directory, binaries: binaries, runAs: runAs)
    }

    /// Stops the server (fast: open connections are cut) and removes its directory.
    public func stop() {
        try? Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"], as: runAs)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Clusters whose test process is gone (it crashed before its exit handler ran).
    private static func reapAbandonedClusters(binaries: String) {
        let temporary = FileManager.default.temporaryDirectory.path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix("backtestd-pg-") {
            let directory = temporary + "/" + entry
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                let pid = Int32(text), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            let owner = (try? FileManager.default.attributesOfItem(atPath: directory)[.ownerAccountName]) as? String
            try? run(
                binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"],
                as: getuid() == 0 ? owner : nil)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// A loopback TCP port nobody listens on now.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(message: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failure(message: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Runs a tool to completion (as `user` through runuser when given), its output to a file so a
    /// failure can say why. `posix_spawn` and `waitpid` rather than `Process`: `pg_ctl start`
    /// leaves a daemon behind, and `Process.waitUntilExit` was seen to wait for ever after it.
    private static func run(_ tool: String, _ arguments: [String], as user: String? = nil) throws {
        _ = try output(of: tool, arguments, as: user)
    }

    /// Runs a tool like `run` and returns what it wrote (standard output and error together).
    private static func output(of tool: String, _ arguments: [String], as user: String? = nil) throws -> String {
        let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--", tool] } ?? [tool]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pg-tool-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(message: "cannot start \(tool): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // Exited normally (low 7 bits zero) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failure(message: "\((tool as NSString).lastPathComponent) failed: \(output.suffix(2_000))")
        }
        return output
    }
}
