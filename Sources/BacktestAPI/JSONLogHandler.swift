import BacktestService
import Foundation
import Logging

/// A swift-log handler writing one JSON object per line: `ts`, `level`, `label`, `msg`, metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    let writer: LineWriter
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var members: [(String, JSONValue)] = [
            ("ts", .string(Identifiers.now())), ("level", .string(level.rawValue)), ("label", .string(label)),
            ("msg", .string(message.description)),
        ]
        let merged = metadata.merging(explicit ?? [:]) { $1 }
        for key in merged.keys.sorted() { members.append((key, .string(merged[key]?.description ?? ""))) }
        writer.write(JSONWriter.compact(.object(members)))
    }
}
