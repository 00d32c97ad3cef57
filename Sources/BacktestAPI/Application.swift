import Foundation
import HTTPServer

/// Wires settings, catalog, service and HTTP server together and runs until a signal.
public enum Application {
    /// Serves until SIGTERM/SIGINT, then shuts down gracefully.
    public static func run(settings: Settings) async throws {
        let log = LineWriter()
        var builder = RouterBuilder()
        HealthRoutes.register(on: &builder)
        var accessLog: (@Sendable (AccessLogEntry) -> Void)?
        if settings.accessLog {
            accessLog = { entry in log.write(entry.jsonLine) }
        }
        let server = try HTTPServer(
            configuration: settings.serverConfiguration, router: builder.build(), accessLog: accessLog)
        log.write(#"{"type":"start","port":\#(server.port)}"#)
        log.flush()
        await SignalWaiter.waitForTermination()
        log.write(#"{"type":"shutdown"}"#)
        await server.shutdown()
        log.write(#"{"type":"stopped"}"#)
        log.flush()
    }
}
