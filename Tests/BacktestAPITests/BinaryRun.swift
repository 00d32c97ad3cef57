import Foundation

/// What a run of the built binary printed and how it ended.
struct BinaryOutcome: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the built `backtestd` with `arguments` to completion, `input` on its standard input. The
/// test runner's `BACKTESTD_*` variables are dropped (they must not point a command at another
/// catalog or server); `environment` adds the test's own.
func runBinary(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws
    -> BinaryOutcome
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BACKTESTD_") }
        .merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return BinaryOutcome(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}
