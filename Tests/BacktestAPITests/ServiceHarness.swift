import BacktestAPI
import BacktestEngine
import BacktestService
import Foundation
import HTTPServer
import TestSupport
import Testing

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let samples = root.appendingPathComponent("configs/samples").path
    static let binary = root.appendingPathComponent(".build/debug/backtestd").path

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backtestd-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A live service on an ephemeral port; `body` runs blocking client code off the cooperative pool.
func withRunningService(
    configure: (inout ServiceConfiguration) -> Void = { _ in }, maxDatasetBytes: Int = Settings().maxDatasetBytes,
    directory: String = Paths.temporaryDirectory(), keepDirectory: Bool = false,
    settings adjust: (inout Settings) -> Void = { _ in },
    clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
    _ body: @escaping @Sendable (UInt16, BacktestService) throws -> Void
) async throws {
    defer { if !keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
    var settings = Settings()
    settings.maxDatasetBytes = maxDatasetBytes
    adjust(&settings)
    // Each server its own registry: the global MetricsSystem is never bootstrapped in tests.
    let observability = settings.metrics ? Observability() : nil
    var configuration = ServiceConfiguration(dataDirectory: directory)
    configuration.samplesDirectory = Paths.samples
    configuration.workers = 1
    configuration.metricsFactory = observability?.factory
    configure(&configuration)
    let service = try BacktestService(configuration: configuration)
    var serverConfiguration = ServerConfiguration()
    serverConfiguration.port = 0
    serverConfiguration.eventLoops = 1
    serverConfiguration.shutdownGracePeriod = 1
    let server = try HTTPServer(
        configuration: serverConfiguration,
        router: Application.router(
            service: service, settings: settings, keepAliveSeconds: 0.2, clock: clock, observability: observability),
        metrics: observability?.factory)
    let port = server.port
    do {
        try await offPool { try body(port, service) }
    } catch {
        await server.shutdown()
        service.shutdown()
        throw error
    }
    await server.shutdown()
    service.shutdown()
}

/// One request on a fresh connection.
func call(
    _ port: UInt16, _ method: String, _ path: String, body: String = "", headers: [String] = [],
    contentType: String? = "application/json"
) throws -> TestClient.Response {
    let client = try TestClient(port: port, timeout: 30)
    var all = headers
    if let contentType, !body.isEmpty { all.append("Content-Type: \(contentType)") }
    if method != "GET" && body.isEmpty { all.append("Content-Length: 0") }
    try client.send(rawRequest(method, path, headers: all, body: body))
    return try client.readResponse(head: method == "HEAD")
}

func json(_ response: TestClient.Response) throws -> JSONValue { try JSONParser.parse(response.body) }

/// Polls `GET /runs/{id}` until it reaches a finished state.
func waitUntilFinished(_ port: UInt16, _ runID: String, seconds: Double = 60, headers: [String] = []) throws
    -> JSONValue
{
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let run = try json(try call(port, "GET", "/runs/\(runID)", headers: headers))
        if let status = run["status"]?.string, ["DONE", "ERROR", "CANCELLED"].contains(status) { return run }
        Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestClient.Failure(message: "run \(runID) did not finish")
}

func waitUntilStatus(
    _ port: UInt16, _ runID: String, _ wanted: String, seconds: Double = 30, headers: [String] = []
) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try json(try call(port, "GET", "/runs/\(runID)", headers: headers))["status"]?.string == wanted { return }
        Thread.sleep(forTimeInterval: 0.02)
    }
    throw TestClient.Failure(message: "run \(runID) never reached \(wanted)")
}

/// A CSV of a seeded random walk (hourly bars).
func randomWalkCSV(bars: Int, seed: UInt64) -> String {
    let series = SyntheticSeries.randomWalk(bars: bars, seed: seed)
    var text = "timestamp,open,high,low,close,volume\n"
    text.reserveCapacity(bars * 80)
    for t in 0..<bars {
        text +=
            "\(series.timestamps[t]),\(series.open[t]),\(series.high[t]),\(series.low[t]),\(series.close[t]),\(series.volume[t])\n"
    }
    return text
}

let smallGrid =
    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":5,"stop":50,"step":5}},"slow":{"values":[20,50,100,200]}}}"#
