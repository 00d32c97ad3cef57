import BacktestAPI
import BacktestService
import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite struct MetricsTests {
    static func scrape(_ port: UInt16, headers: [String] = []) throws -> MetricsExposition {
        let response = try call(port, "GET", "/metrics", headers: headers)
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return try MetricsExposition(response.text)
    }

    @Test func everyFamilyIsExposed_andMovesAfterARun() async throws {
        try await withRunningService { port, _ in
            _ = try call(port, "GET", "/healthz")
            let before = try Self.scrape(port)
            #expect(before.value("backtest_variants_evaluated_total") == 0)
            #expect(before.value("backtest_runs_finished_total", ["state": "DONE"]) == 0)
            let submitted = try json(try call(port, "POST", "/backtests", body: smallGrid))
            let runID = try #require(submitted["run_id"]?.string)
            _ = try waitUntilFinished(port, runID)
            _ = try call(port, "GET", "/runs/\(runID)/results")
            _ = try call(port, "GET", "/no/such/path")
            _ = try call(port, "FOO", "/no/such/path")
            let after = try Self.scrape(port)
            let text = try call(port, "GET", "/metrics").text
            // Cardinality: no run id, no raw path in any label.
            #expect(!text.contains(runID))
            #expect(!text.contains("/no/such/path"))
            #expect(after.types["http_requests_total"] == "counter")
            #expect(after.types["http_request_duration_seconds"] == "histogram")
            #expect(after.types["backtest_run_duration_seconds"] == "histogram")
            #expect(after.types["backtest_runs"] == "gauge")
            #expect(
                (after.value("http_requests_total", ["method": "GET", "route": "/runs/{id}", "status": "200"]) ?? 0)
                    >= 1)
            #expect(
                after.value("http_requests_total", ["method": "GET", "route": "/runs/{id}/results", "status": "200"])
                    == 1)
            #expect(after.value("http_requests_total", ["method": "GET", "route": "unmatched", "status": "404"]) == 1)
            // A method outside the known list cannot mint a label value.
            #expect(
                after.value("http_requests_total", ["method": "other", "route": "unmatched", "status": "404"]) == 1)
            #expect(!text.contains("FOO"))
            #expect(
                after.value("http_requests_total", ["method": "POST", "route": "/backtests", "status": "202"]) == 1)
            #expect(after.value("http_request_duration_seconds_count", ["route": "/healthz"]) == 1)
            #expect(!after.matching("http_request_duration_seconds_bucket", ["route": "/runs/{id}"]).isEmpty)
            #expect((after.value("http_open_connections") ?? 0) >= 1)
            #expect(after.value("backtest_event_followers") == 0)
            #expect(after.value("backtest_queue_depth") == 0)
            #expect(after.value("backtest_runs", ["state": "DONE"]) == 1)
            #expect(after.value("backtest_runs", ["state": "QUEUED"]) == 0)
            #expect(after.value("backtest_runs_finished_total", ["state": "DONE"]) == 1)
            #expect(after.value("backtest_run_duration_seconds_count", ["state": "DONE"]) == 1)
            let variants = try #require(after.value("backtest_variants_evaluated_total"))
            #expect(variants == Double(submitted["variants"]?.integer ?? -1))
            #expect((after.value("backtest_bar_variants_total") ?? 0) > variants)
            #expect(after.value("backtest_catalog_errors_total") == 0)
            #expect(after.value("backtest_rate_limited_requests_total") == 0)
            #expect((after.value("process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((after.value("process_open_fds") ?? 0) > 3)
            // The scrape itself is counted.
            #expect(
                after.value("http_requests_total", ["method": "GET", "route": "/metrics", "status": "200"]) == 1)
        }
    }

    @Test func withKeys_metricsNeedAnAdminKey_andCountRateLimitedSubmissions() async throws {
        try await withRunningService(settings: { $0.rateFreePerHour = 1 }) { port, service in
            let admin = try makeKey(service, owner: "ops", tier: "admin")
            let free = try makeKey(service, owner: "alice", tier: "free")
            let anonymous = try call(port, "GET", "/metrics")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("Cache-Control") == "no-store")
            let forbidden = try call(port, "GET", "/metrics", headers: bearer(free))
            #expect(forbidden.status == 403)
            #expect(try json(forbidden)["error"]?["code"] == "forbidden")
            #expect(try call(port, "POST", "/backtests", body: seededGrid(1), headers: bearer(free)).status == 202)
            #expect(try call(port, "POST", "/backtests", body: seededGrid(2), headers: bearer(free)).status == 429)
            let scraped = try Self.scrape(port, headers: bearer(admin))
            #expect(scraped.value("backtest_rate_limited_requests_total") == 1)
            #expect(
                scraped.value("http_requests_total", ["method": "GET", "route": "/metrics", "status": "401"]) == 1)
            #expect(
                scraped.value("http_requests_total", ["method": "GET", "route": "/metrics", "status": "403"]) == 1)
        }
    }

    @Test func metricsOff_recordsNothing_andServesNoMetricsRoute() async throws {
        try await withRunningService(settings: { $0.metrics = false }) { port, _ in
            let health = try call(port, "GET", "/healthz")
            #expect(health.status == 200)
            #expect(try call(port, "GET", "/metrics").status == 404)
        }
    }

    @Test func theMetricsListenRouter_servesMetricsAlone_withoutAKey() async throws {
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let observability = Observability()
        var configuration = ServiceConfiguration(dataDirectory: directory)
        configuration.workers = 1
        configuration.metricsFactory = observability.factory
        let service = try BacktestService(configuration: configuration)
        _ = try makeKey(service, owner: "ops", tier: "admin")
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.port = 0
        serverConfiguration.eventLoops = 1
        serverConfiguration.shutdownGracePeriod = 1
        let server = try HTTPServer(
            configuration: serverConfiguration,
            router: Application.metricsRouter(service: service, observability: observability))
        let port = server.port
        var failure: (any Error)?
        do {
            try await offPool {
                let scraped = try Self.scrape(port)
                #expect(scraped.value("backtest_queue_depth") == 0)
                #expect(try call(port, "GET", "/runs").status == 404)
                #expect(try call(port, "GET", "/healthz").status == 404)
            }
        } catch { failure = error }
        await server.shutdown()
        service.shutdown()
        if let failure { throw failure }
    }

    @Test func metricsListen_isValidated() throws {
        var settings = Settings()
        #expect(settings.metricsListen == "")
        #expect(settings.metrics)
        try settings.set("metrics_listen", "127.0.0.1:9464", source: "test")
        #expect(settings.metricsListen == "127.0.0.1:9464")
        try settings.set("metrics_listen", "[::1]:9464", source: "test")
        try settings.set("metrics_listen", "", source: "test")
        for bad in ["9464", "localhost:9464", "127.0.0.1:", "127.0.0.1:65536", ":9464"] {
            #expect(throws: Settings.Invalid.self, "\(bad)") {
                try settings.set("metrics_listen", bad, source: "test")
            }
        }
        try settings.set("metrics", "false", source: "test")
        #expect(!settings.metrics)
    }

    @Test func theExpositionReader_refusesMalformedLines() throws {
        #expect(throws: (any Error).self) { try MetricsExposition("metric{a=\"1\" 1") }
        #expect(throws: (any Error).self) { try MetricsExposition("metric one") }
        #expect(throws: (any Error).self) { try MetricsExposition("# TYPE onlyname\n") }
        #expect(try MetricsExposition("m{a=\"x\\\"y\"} 2").value("m", ["a": "x\"y"]) == 2)
    }
}
