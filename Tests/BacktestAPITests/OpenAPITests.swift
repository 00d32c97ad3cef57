import BacktestAPI
import BacktestService
import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import BacktestAPI

@Suite struct OpenAPITests {
    /// The document and the router cannot drift: every routed method + pattern is documented,
    /// and every documented operation is routed.
    @Test func everyRouteIsDocumented_andOnlyRoutes() async throws {
        try await withRunningService(settings: { $0.wsEchoPath = "/ws-echo" }) { port, service in
            var settings = Settings()
            settings.wsEchoPath = "/ws-echo"
            let router = Application.router(service: service, settings: settings)
            let routed = Set(router.table.map { "\($0.method) \($0.pattern)" })
            let document = try json(try call(port, "GET", "/openapi.json"))
            var documented = Set<String>()
            for (path, item) in document["paths"]?.objectMembers ?? [] {
                for (method, _) in item.objectMembers ?? [] { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(!routed.isEmpty)
            #expect(routed.subtracting(documented).sorted() == [], "routed but not documented")
            #expect(documented.subtracting(routed).sorted() == [], "documented but not routed")
            // With metrics on, /metrics is routed and documented too.
            let withMetrics = Application.router(service: service, settings: settings, observability: Observability())
            let metricsRouted = Set(withMetrics.table.map { "\($0.method) \($0.pattern)" })
            let metricsDocumented = Set(
                OpenAPIDocument(webSocketEchoPath: "/ws-echo", metrics: true).operations.map {
                    "\($0.method) \($0.path)"
                })
            #expect(metricsRouted.contains("GET /metrics"))
            #expect(metricsRouted == metricsDocumented)
        }
    }

    /// Without keys nothing requires the bearer scheme; with keys every operation but the public ones does.
    @Test func securityFollowsTheMode() async throws {
        try await withRunningService { port, service in
            func requirements() throws -> [String: Bool] {
                let document = try json(try call(port, "GET", "/openapi.json"))
                var result: [String: Bool] = [:]
                for (path, item) in document["paths"]?.objectMembers ?? [] {
                    for (method, operation) in item.objectMembers ?? [] {
                        result["\(method) \(path)"] = !(operation["security"]?.array ?? []).isEmpty
                    }
                }
                return result
            }
            #expect(try requirements().values.allSatisfy { !$0 })
            _ = try makeKey(service, owner: "root", tier: "admin")
            let keyed = try requirements()
            #expect(keyed["get /runs/{id}"] == true && keyed["post /backtests"] == true)
            #expect(
                keyed["get /healthz"] == false && keyed["get /openapi.json"] == false && keyed["get /docs"] == false)
            #expect(try call(port, "GET", "/openapi.json").status == 200)  // public in keyed mode too
        }
    }

    @Test func docsPage_rendersEveryOperation_withoutAnotherOrigin() async throws {
        try await withRunningService { port, _ in
            let page = try call(port, "GET", "/docs")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let html = page.text
            let document = try json(try call(port, "GET", "/openapi.json"))
            for (_, item) in document["paths"]?.objectMembers ?? [] {
                for (_, operation) in item.objectMembers ?? [] {
                    let id = try #require(operation["operationId"]?.string)
                    #expect(html.contains("id=\"\(id)\""), "\(id)")
                }
            }
            // Static parts readable without script: schemas, error codes, examples are in the HTML.
            #expect(html.contains("id=\"schemas\"") && html.contains("id=\"errors\"") && html.contains("rate_limited"))
            // No asset from anywhere else: no absolute URL at all, no protocol-relative one.
            #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"//"))
            #expect(!html.contains("<link") && !html.contains("<script src"))
        }
    }
}
