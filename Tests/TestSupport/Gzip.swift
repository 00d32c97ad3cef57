import Foundation

/// `bytes` compressed by the system's gzip.
public func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/data"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", path]
    try process.run()
    process.waitUntilExit()
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}
