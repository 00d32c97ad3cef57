import Catalog
import Foundation
import TestSupport
import Testing

@testable import BacktestService

@Suite struct ReadinessTests {
    /// The checks `/readyz` names as failing (empty when it answers 200).
    static func failingChecks(_ port: UInt16) throws -> [String] {
        let response = try call(port, "GET", "/readyz")
        #expect(response.header("Cache-Control") == "no-store")
        if response.status == 200 { return [] }
        #expect(response.status == 503)
        let error = try json(response)["error"]
        #expect(error?["code"] == "not_ready")
        #expect(error?["retryable"] == true)
        return (error?["details"]?.array ?? []).compactMap { $0["path"]?.string }
    }

    @Test func aCatalogThatTakesNoWrite_isNotReady() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { $0.catalogFaults = faults }) { port, _ in
            let initially = try Self.failingChecks(port)
            #expect(initially == [])
            faults.failWrites(startingAt: 1, count: 1_000, matching: "isWritable")
            #expect(try Self.failingChecks(port) == ["catalog"])
            faults.failWrites(startingAt: 1, count: 0)
            #expect(try Self.failingChecks(port) == [])
        }
    }

    @Test func aStoppedWorker_isNotReady() async throws {
        try await withRunningService(configure: { $0.workers = 2 }) { port, service in
            #expect(try Self.failingChecks(port) == [])
            service.retireWorker(1)
            let deadline = Date().addingTimeInterval(10)
            var failing: [String] = []
            while Date() < deadline {
                failing = try Self.failingChecks(port)
                if !failing.isEmpty { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(failing == ["workers"])
            let details = try json(try call(port, "GET", "/readyz"))["error"]?["details"]?.array ?? []
            #expect(details.first?["message"]?.string == "1 of 2 worker threads have exited")
        }
    }

    /// Ready with queue_capacity − 1 runs queued, not with queue_capacity (a submission would be refused).
    @Test func aFullQueue_isNotReady_atTheBoundNotBelowIt() async throws {
        let faults = CatalogFaults()
        try await withRunningService(
            configure: {
                $0.catalogFaults = faults
                $0.queueCapacity = 2
            }
        ) { port, _ in
            // Claims fail: submitted runs stay QUEUED while the worker lives.
            faults.failWrites(startingAt: 1, count: 1_000_000, matching: "claimNextQueued")
            #expect(try call(port, "POST", "/backtests", body: seededGrid(1)).status == 202)
            #expect(try Self.failingChecks(port) == [])
            #expect(try call(port, "POST", "/backtests", body: seededGrid(2)).status == 202)
            #expect(try Self.failingChecks(port) == ["queue"])
            #expect(try call(port, "POST", "/backtests", body: seededGrid(3)).status == 503)
            let details = try json(try call(port, "GET", "/readyz"))["error"]?["details"]?.array ?? []
            #expect(details.first?["message"]?.string == "2 runs are queued, the bound (queue_capacity) is 2")
            // Each refused claim is a catalog error in /metrics.
            let deadline = Date().addingTimeInterval(10)
            var errors = 0.0
            while Date() < deadline {
                errors = try MetricsTests.scrape(port).value("backtest_catalog_errors_total") ?? 0
                if errors > 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(errors > 0)
            #expect(try MetricsTests.scrape(port).value("backtest_queue_depth") == 2)
        }
    }
}
