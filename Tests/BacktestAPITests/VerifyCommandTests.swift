import BacktestService
import Foundation
import Testing

/// `backtestd verify`, run as the built binary on a data directory with a chain of three runs
/// (one deleted: a tombstone), clean and tampered with.
@Suite struct VerifyCommandTests {
    struct Outcome {
        let status: Int32
        let stdout: String
    }

    func verify(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["verify"] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BACKTESTD_") }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self))
    }

    /// A data directory holding three DONE runs, the middle one deleted; returns the kept run ids.
    func makeChain() async throws -> (String, [String]) {
        let directory = Paths.temporaryDirectory()
        let ids = IDs()
        try await withRunningService(directory: directory, keepDirectory: true) { port, _ in
            let made = try (51...53).map { try Artifacts.finishedRun(port, seededGrid($0)) }
            #expect(try call(port, "DELETE", "/runs/\(made[1])").status == 204)
            ids.set([made[0], made[2]])
        }
        return (directory, ids.get())
    }

    final class IDs: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [String] = []
        func set(_ value: [String]) { lock.withLock { ids = value } }
        func get() -> [String] { lock.withLock { ids } }
    }

    @Test func aCleanChainVerifiesWithItsCounts() async throws {
        let (directory, _) = try await makeChain()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let all = try verify(["--data-dir", directory])
        #expect(all.status == 0)
        #expect(all.stdout == "ok: 2 manifests, 8 files\n")
        #expect(try verify(["--data-dir", directory, "--owner", "local"]).stdout == "ok: 2 manifests, 8 files\n")
        #expect(try verify(["--data-dir", directory, "--owner", "nobody"]).stdout == "ok: 0 manifests, 0 files\n")
        #expect(try verify(["--data-dir", directory + "/missing"]).status != 0)
    }

    @Test func aChangedByteInAFileIsReported() async throws {
        let (directory, ids) = try await makeChain()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = Artifacts.directory(directory, ids[0]) + "/results.csv"
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let expected = InputHash.sha256Hex(bytes)
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let outcome = try verify(["--data-dir", directory])
        #expect(outcome.status == 1)
        #expect(
            outcome.stdout
                == "break: run \(ids[0]), file results.csv: expected \(expected), found \(InputHash.sha256Hex(bytes))\n"
        )
    }

    @Test func aChangedByteInAManifestIsReported() async throws {
        let (directory, ids) = try await makeChain()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = Artifacts.directory(directory, ids[1]) + "/manifest.json"
        let text = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
        let recorded = try #require(try JSONParser.parse(text)["manifest_hash"]?.string)
        // One digit of the input hash changed: still a well-formed manifest, no longer the recorded one.
        let inputHash = try #require(try JSONParser.parse(text)["input_hash"]?.string)
        let changed = (inputHash.first == "0" ? "1" : "0") + inputHash.dropFirst()
        try Data(text.replacingOccurrences(of: inputHash, with: changed).utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try verify(["--data-dir", directory])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix("break: run \(ids[1]), file manifest.json: expected \(recorded), found "))
        #expect(!outcome.stdout.contains("found \(recorded)"))
    }

    @Test func aDeletedManifestIsReported() async throws {
        let (directory, ids) = try await makeChain()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = Artifacts.directory(directory, ids[0]) + "/manifest.json"
        let data = try #require(FileManager.default.contents(atPath: path))
        let recorded = try #require(try JSONParser.parse([UInt8](data))["manifest_hash"]?.string)
        try FileManager.default.removeItem(atPath: path)
        let outcome = try verify(["--data-dir", directory, "--owner", "local"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout == "break: run \(ids[0]), file manifest.json: expected \(recorded), found missing\n")
    }
}
