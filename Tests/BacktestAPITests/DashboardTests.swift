import Foundation
import TestSupport
import Testing

@Suite struct DashboardTests {
    @Test func rootServesThePage_withoutAnotherOrigin() async throws {
        try await withRunningService { port, _ in
            let page = try call(port, "GET", "/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
            let html = page.text
            #expect(html.hasPrefix("<!doctype html>") && html.contains("</html>"))
            // The scripts are inlined into the page, each part present once.
            for part in [
                "function showHome", "function showNewBacktest", "function showRun", "function topTable",
                "function drawHeatmap", "function renderEquity", "function showDatasets", "function showCompare",
                "function researchFields", "function walkForwardSection", "function aggregateSection",
            ] {
                #expect(html.components(separatedBy: part).count == 2, "\(part) once")
            }
            #expect(!html.contains("/*SCRIPTS*/") && !html.contains("/*STYLE*/"))
            #expect(html.contains("prefers-color-scheme: dark"))
            // Nothing from anywhere else: no absolute or protocol-relative URL, no external asset.
            #expect(!html.contains("http://") && !html.contains("https://"))
            #expect(!html.contains("src=\"//") && !html.contains("href=\"//") && !html.contains("url(//"))
            #expect(!html.contains("<script src"))
            let links = html.components(separatedBy: "<link").dropFirst()
            #expect(links.allSatisfy { $0.hasPrefix(" rel=\"icon\" href=\"data:,\"") })
        }
    }

    @Test func rootNeedsNoKey_evenWhenKeysAreConfigured() async throws {
        try await withRunningService { port, service in
            _ = try makeKey(service, owner: "alice", tier: "free")
            // The page itself is public; only its API calls carry a key.
            #expect(try call(port, "GET", "/runs").status == 401)
            #expect(try call(port, "GET", "/").status == 200)
        }
    }
}
