import ArgumentParser
import BacktestAPI
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API until SIGTERM or SIGINT.")

    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind, 0 for any free port (default 8080).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Directory for the catalog (default ./var).") var dataDir: String?
    @Option(help: "JSON config file; unknown keys are an error.") var config: String?

    func resolvedSettings() throws -> Settings {
        var settings = Settings()
        do {
            if let config { try settings.apply(configFile: config) }
            try settings.apply(environment: ProcessInfo.processInfo.environment)
            if let host { try settings.set("host", host, source: "--host") }
            if let port { try settings.set("port", String(port), source: "--port") }
            if let dataDir { try settings.set("data_dir", dataDir, source: "--data-dir") }
        } catch let error as Settings.Invalid {
            throw ValidationError(error.message)
        }
        return settings
    }

    func run() async throws {
        let settings = try resolvedSettings()
        try await Application.run(settings: settings)
    }
}
