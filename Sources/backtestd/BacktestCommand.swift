import ArgumentParser
import BacktestService
import Foundation
import HTTPServer

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a backtest request offline and print the JSON that GET /runs/{id}/results returns.")

    @Option(help: "OHLCV CSV file (timestamp,open,high,low,close,volume).") var data: String
    @Option(help: "The POST /backtests body without the data selection.") var request: String
    @Option(help: "Bar period (1m, 5m, 15m, 1h, 4h, 1d, 1w, 1mo); inferred from the timestamps when omitted.")
    var timeframe: String?
    @Option(help: "Keep the best K variants (default: the request's top_k).") var top: Int?
    @Flag(help: "Print every evaluated variant.") var all = false
    @Option(help: "Most grid combinations allowed, checked before any work.") var maxVariants = 1_000_000

    func run() throws {
        // Mapped, not read: the parser reads the page cache in place.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: data)
        else {
            return try fail(.badRequest("cannot read \(data)"))
        }
        guard let body = FileManager.default.contents(atPath: request) else {
            return try fail(.badRequest("cannot read \(request)"))
        }
        do {
            let document = try OfflineBacktest.run(
                csvPath: data, request: [UInt8](body), timeframe: timeframe, top: all ? nil : top,
                maxGridVariants: maxVariants)
            print(JSONWriter.compact(document))
        } catch {
            try fail(error)
        }
    }

    private func fail(_ error: ServiceError) throws {
        let envelope = HTTPError(
            status: 400, code: error.code, message: error.message,
            details: error.details.map { HTTPError.Detail(path: $0.path, message: $0.message) })
        FileHandle.standardError.write(Data(envelope.body + [10]))
        throw ExitCode(error.code == "internal" ? 70 : 65)
    }
}
