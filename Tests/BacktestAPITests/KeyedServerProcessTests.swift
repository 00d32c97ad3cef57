import BacktestService
import Foundation
import TestSupport
import Testing

/// A keyed server as a user runs it: the binary, the `keys` command beside it, the logs it writes.
@Suite(.serialized) struct KeyedServerProcessTests {
    func runBinary(_ arguments: [String]) throws -> BinaryOutcome {
        try BacktestAPITests.runBinary(arguments, environment: ["BACKTESTD_IMPORT_SAMPLES": "false"])
    }

    @Test func anyAddressNeedsKeys_revocationIsSeenWithinASecond_keysNeverReachLogsOrCatalog() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Without keys the server is single-user and will not listen beyond loopback.
        let refused = try runBinary(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", directory])
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("no API keys are configured"))

        let created = try runBinary(["keys", "create", "--owner", "alice", "--tier", "free", "--data-dir", directory])
        #expect(created.status == 0)
        let key = String(created.stdout.dropLast())
        let server = try ServerProcess(dataDirectory: directory, host: "0.0.0.0", accessLog: true)
        var stopped = false
        defer { if !stopped { server.terminate() } }
        #expect(answersHealth(server.port, within: 10))
        // No core dumps of a process that holds keys and sessions in memory.
        let limits = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/limits", encoding: .utf8)
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
        #expect(core?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"])
        #expect(try call(server.port, "GET", "/runs").status == 401)
        #expect(try call(server.port, "GET", "/runs", headers: bearer(key)).status == 200)
        let login = try call(server.port, "POST", "/session", body: #"{"key":"\#(key)"}"#)
        #expect(login.status == 204)
        #expect(try call(server.port, "GET", "/runs", headers: ["Authorization: Bearer \(key)x"]).status == 401)

        // Revoked by another process on the same catalog: refused within about a second.
        let revoked = try runBinary(["keys", "revoke", APIKeyMaterial.prefix(key), "--data-dir", directory])
        #expect(revoked.status == 0)
        let start = Date()
        var status = 200
        while status != 401 && Date().timeIntervalSince(start) < 5 {
            status = try call(server.port, "GET", "/runs", headers: bearer(key)).status
            if status != 401 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(status == 401)
        #expect(Date().timeIntervalSince(start) < 1.5)

        // The access log names the owner and the key's prefix, never the key.
        Thread.sleep(forTimeInterval: 0.3)
        let log = server.log.text
        #expect(log.contains(#""owner":"alice""#))
        #expect(log.contains(#""key":"\#(APIKeyMaterial.prefix(key))""#))
        #expect(!log.contains(key))
        #expect(!log.contains(String(key.dropFirst(3))))
        stopped = true
        #expect(server.terminate() == 0)
        for file in try catalogFiles(in: directory) {
            let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + file))
            #expect(bytes.range(of: Data(key.utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data(key.dropFirst(3).utf8)) == nil, "\(file)")
        }
    }
}
