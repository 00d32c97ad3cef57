import BacktestAPI
import Foundation
import Testing

@testable import BacktestService

@Suite struct SettingsTests {
    func file(_ text: String) throws -> String {
        let path = Paths.temporaryDirectory() + "/config.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultConfigFile_matchesTheBuiltInDefaults() throws {
        var settings = Settings()
        try settings.apply(configFile: Paths.root.appendingPathComponent("configs/default.json").path)
        #expect(settings == Settings())
        #expect(settings.serverConfiguration.limits.maxBodyBytes == 10 * 1024 * 1024)
    }

    @Test func catalogURL_takesSQLiteOrPostgresAndNothingElse() throws {
        var settings = Settings()
        #expect(settings.catalogUrl == "sqlite:")
        for good in ["sqlite:", "sqlite:/tmp/c.sqlite", "postgres://u@h:5432/db", "postgresql://h/db"] {
            try settings.set("catalog_url", good, source: "test")
            #expect(settings.catalogUrl == good)
        }
        for bad in ["", "sqlite", "sqlite:relative", "postgres://", "mysql://h/db", "file:/x"] {
            #expect(throws: Settings.Invalid.self, "\(bad)") { try settings.set("catalog_url", bad, source: "test") }
        }
        #expect(settings.catalogUrl == "postgresql://h/db")
        #expect(Application.serviceConfiguration(settings).catalogURL == "postgresql://h/db")
    }

    @Test func unknownKeysAndBadValues_areErrorsNotIgnored() throws {
        var settings = Settings()
        #expect(throws: Settings.Invalid.self) { try settings.apply(configFile: try file(#"{"port": 1, "prot": 2}"#)) }
        #expect(throws: Settings.Invalid.self) { try settings.apply(configFile: try file(#"{"port": 70000}"#)) }
        #expect(throws: Settings.Invalid.self) { try settings.apply(configFile: try file(#"{"access_log": "maybe"}"#)) }
        #expect(throws: Settings.Invalid.self) { try settings.apply(configFile: try file("[1]")) }
        #expect(throws: Settings.Invalid.self) { try settings.apply(environment: ["BACKTESTD_NOPE": "1"]) }
        // Budgets at N and N-1 of their floors.
        #expect(throws: Settings.Invalid.self) { try settings.set("max_buffered_body_bytes", "1048575", source: "t") }
        try settings.set("max_buffered_body_bytes", "1048576", source: "t")
        #expect(throws: Settings.Invalid.self) { try settings.set("max_run_attempts", "0", source: "t") }
        try settings.set("max_run_attempts", "1", source: "t")
        #expect(settings.maxRunAttempts == 1)
    }

    @Test func nodeIDAndLeaseSettings_areCheckedAtTheirLimits() throws {
        var settings = Settings()
        try settings.checkLeases()
        try settings.set("node_id", String(repeating: "n", count: 64), source: "t")
        #expect(Application.serviceConfiguration(settings).nodeID == String(repeating: "n", count: 64))
        #expect(throws: Settings.Invalid.self) {
            try settings.set("node_id", String(repeating: "n", count: 65), source: "t")
        }
        #expect(throws: Settings.Invalid.self) { try settings.set("node_id", "a b", source: "t") }
        // Empty: generated, different for each configuration (each process).
        try settings.set("node_id", "", source: "t")
        #expect(Application.serviceConfiguration(settings).nodeID != Application.serviceConfiguration(settings).nodeID)
        #expect(throws: Settings.Invalid.self) { try settings.set("lease_s", "0", source: "t") }
        try settings.set("lease_s", "2", source: "t")
        try settings.set("lease_heartbeat_s", "2", source: "t")
        #expect(throws: Settings.Invalid.self) { try settings.checkLeases() }
        try settings.set("lease_heartbeat_s", "1.9", source: "t")
        try settings.checkLeases()
        #expect(Application.serviceConfiguration(settings).leaseHeartbeatSeconds == 1.9)
    }

    @Test func gridChunkAndEngineThreadSettings_areCheckedAtTheirLimits() throws {
        var settings = Settings()
        // auto: on for PostgreSQL, off for SQLite.
        #expect(Application.serviceConfiguration(settings).chunksGrids == false)
        try settings.set("catalog_url", "postgres://h/db", source: "t")
        #expect(Application.serviceConfiguration(settings).chunksGrids)
        try settings.set("grid_chunks", "off", source: "t")
        #expect(Application.serviceConfiguration(settings).chunksGrids == false)
        try settings.set("catalog_url", "sqlite:", source: "t")
        try settings.set("grid_chunks", "on", source: "t")
        #expect(Application.serviceConfiguration(settings).chunksGrids)
        #expect(throws: Settings.Invalid.self) { try settings.set("grid_chunks", "yes", source: "t") }
        try settings.set("grid_chunk_bar_variants", "1000", source: "t")
        #expect(throws: Settings.Invalid.self) { try settings.set("grid_chunk_bar_variants", "999", source: "t") }
        try settings.set("grid_chunk_bar_variants", "\(1 << 50)", source: "t")
        #expect(throws: Settings.Invalid.self) {
            try settings.set("grid_chunk_bar_variants", "\((1 << 50) + 1)", source: "t")
        }
        #expect(Application.serviceConfiguration(settings).gridChunkBarVariants == 1 << 50)
        try settings.set("engine_threads", "256", source: "t")
        #expect(throws: Settings.Invalid.self) { try settings.set("engine_threads", "257", source: "t") }
        #expect(Application.serviceConfiguration(settings).engineThreads == 256)
        try settings.set("engine_threads", "0", source: "t")
        #expect(Application.serviceConfiguration(settings).engineThreads >= 1)
    }

    @Test func environmentOverridesTheFile() throws {
        var settings = Settings()
        try settings.apply(configFile: try file(#"{"port": 9000, "workers": 3, "header_timeout_s": 2.5}"#))
        try settings.apply(environment: ["BACKTESTD_PORT": "9100", "PATH": "/bin", "BACKTESTD_ACCESS_LOG": "false"])
        #expect(settings.port == 9100)
        #expect(settings.workers == 3)
        #expect(settings.headerTimeoutSeconds == 2.5)
        #expect(settings.accessLog == false)
        #expect(settings.serverConfiguration.headerTimeout == 2.5)
    }

    @Test func uploadAndBodyBudgetLimits_areSettingsWithTheirDefaults() throws {
        var settings = Settings()
        #expect(settings.maxDatasetBytes == 2 * 1024 * 1024 * 1024)
        #expect(settings.serverConfiguration.maxBufferedBodyBytes == 256 * 1024 * 1024)
        try settings.apply(configFile: try file(#"{"max_dataset_bytes": 1000, "max_buffered_body_bytes": 5000000}"#))
        #expect(settings.maxDatasetBytes == 1000)
        #expect(settings.serverConfiguration.maxBufferedBodyBytes == 5_000_000)
        #expect(throws: Settings.Invalid.self) {
            try settings.apply(environment: ["BACKTESTD_MAX_DATASET_BYTES": "-1"])
        }
        #expect(throws: Settings.Invalid.self) {
            try settings.apply(environment: ["BACKTESTD_MAX_BUFFERED_BODY_BYTES": "lots"])
        }
    }
}

@Suite struct CommandLineTests {
    func run(_ arguments: [String], input: String? = nil) throws -> BinaryOutcome {
        try runBinary(arguments, input: input)
    }

    @Test func backtest_printsTheResultsDocumentAndFailsWithTheEnvelope() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let directory = Paths.temporaryDirectory()
        let good = directory + "/good.json"
        let bad = directory + "/bad.json"
        try #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[20,50]}}}"#.write(
            toFile: good, atomically: true, encoding: .utf8)
        try #"{"strategy":{"name":"dual_sma","params":{"fast":9,"slow":3}},"bogus":1}"#.write(
            toFile: bad, atomically: true, encoding: .utf8)
        let data = Paths.samples + "/GOOG_1d.csv"
        let ok = try run(["backtest", "--data", data, "--request", good, "--top", "3"])
        #expect(ok.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any]
        #expect((document?["results"] as? [Any])?.count == 3)
        #expect((document?["grid"] as? [String: Any])?["evaluated"] as? Int == 4)
        let all = try run(["backtest", "--data", data, "--request", good, "--all", "--timeframe", "1d"])
        #expect(
            ((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["results"] as? [Any])?
                .count == 4)
        let failed = try run(["backtest", "--data", data, "--request", bad])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains(#""code":"validation_error""#))
        #expect(failed.stderr.contains(#""path":"bogus""#))
        #expect(try run(["backtest", "--data", data, "--request", good, "--timeframe", "2d"]).status != 0)
    }

    @Test func canonicalize_readsStandardInput() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let result = try run(["canonicalize"], input: #"{"b": 2.0, "a": [1E21, 0.000001, "\u00e9"]}"#)
        #expect(result.status == 0)
        #expect(result.stdout == #"{"a":[1e+21,0.000001,"é"],"b":2}"#)
        #expect(try run(["canonicalize"], input: "{").status != 0)
    }
}
