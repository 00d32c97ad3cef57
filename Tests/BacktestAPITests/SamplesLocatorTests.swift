import Foundation
import Testing

@testable import BacktestAPI

@Suite struct SamplesLocatorTests {
    @Test func anExplicitSettingWinsAsGiven() {
        #expect(
            SamplesLocator.locate("/nowhere/samples", workingDirectory: "/tmp", executable: nil) == "/nowhere/samples")
    }

    @Test func theWorkingDirectoryComesFirstThenTheInstallThenTheBuildTree() throws {
        let root = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let executable = root + "/tree/.build/release/backtestd"
        let elsewhere = root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        // Nothing anywhere: nil.
        #expect(SamplesLocator.locate("", workingDirectory: elsewhere, executable: executable) == nil)
        // A build tree above the executable.
        try FileManager.default.createDirectory(
            atPath: root + "/tree/configs/samples", withIntermediateDirectories: true)
        #expect(
            SamplesLocator.locate("", workingDirectory: elsewhere, executable: executable)
                == root + "/tree/configs/samples")
        // An installed share folder beside bin/ is preferred to the build tree.
        try FileManager.default.createDirectory(
            atPath: root + "/tree/.build/share/backtestd/samples", withIntermediateDirectories: true)
        #expect(
            SamplesLocator.locate("", workingDirectory: elsewhere, executable: executable)
                == root + "/tree/.build/share/backtestd/samples")
        // The working directory's configs/samples before both.
        try FileManager.default.createDirectory(
            atPath: elsewhere + "/configs/samples", withIntermediateDirectories: true)
        #expect(
            SamplesLocator.locate("", workingDirectory: elsewhere, executable: executable)
                == elsewhere + "/configs/samples")
    }

    /// `backtestd serve` started elsewhere, without `--config`: the samples are found beside the
    /// executable's build tree, imported, and the log says which.
    @Test func serveWithoutConfigImportsTheSamplesAndSaysSo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["serve", "--port", "0", "--data-dir", directory + "/var"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BACKTESTD_") }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("listening") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(text.split(separator: "\n").first { $0.contains("samples imported") })
        #expect(line.contains("GOOG_1d.csv"))
        #expect(line.contains("configs/samples"))
    }
}
