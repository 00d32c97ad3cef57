import BacktestService
import Foundation
import Testing

/// A child server killed (-9) while it runs a grid, with torn artifact files of an earlier attempt
/// left in the run's folder: the restart re-queues the run and writes a whole, verifiable set.
@Suite(.serialized) struct ArtifactCrashTests {
    static let grid =
        #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":30,"step":1}},"slow":{"range":{"start":31,"stop":120,"step":1}}}}"#

    @Test func killedWhileRunning_theRestartWritesAWholeVerifiableSet() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first (swift build)")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var server = try ServerProcess(dataDirectory: directory)
        let csv = randomWalkCSV(bars: 20_000, seed: 7)
        #expect(
            try call(server.port, "POST", "/datasets?symbol=WALK&timeframe=1h", body: csv, contentType: "text/csv")
                .status == 201)
        let runID = try Artifacts.submit(server.port, Self.grid)
        try waitUntilStatus(server.port, runID, "RUNNING")
        #expect(try call(server.port, "GET", "/runs/\(runID)/artifacts").status == 409)
        server.kill9()

        // What a previous attempt may have left: a torn temporary, a half file, a stale manifest.
        let folder = Artifacts.directory(directory, runID)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("rank,variant_k".utf8).write(to: URL(fileURLWithPath: folder + "/.results.csv.tmp"))
        try Data("{\"run\":".utf8).write(to: URL(fileURLWithPath: folder + "/summary.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/manifest.json"))

        server = try ServerProcess(dataDirectory: directory)
        #expect(try waitUntilFinished(server.port, runID, seconds: 300)["status"] == "DONE")
        let manifest = try Artifacts.manifest(server.port, runID)
        #expect(manifest["run_id"]?.string == runID)
        #expect(manifest["manifest_hash"]?.string == Artifacts.expectedHash(manifest))
        for entry in manifest["files"]?.array ?? [] {
            let name = try #require(entry["name"]?.string)
            let body = try call(server.port, "GET", "/runs/\(runID)/artifacts/\(name)").body
            #expect(entry["sha256"]?.string == InputHash.sha256Hex(body), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/.results.csv.tmp"))
        #expect(server.terminate() == 0)

        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: Paths.binary)
        verify.arguments = ["verify", "--data-dir", directory]
        verify.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BACKTESTD_") }
        let out = Pipe()
        verify.standardOutput = out
        try verify.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        verify.waitUntilExit()
        #expect(verify.terminationStatus == 0)
        #expect(printed == "ok: 1 manifests, 4 files\n")
    }
}
