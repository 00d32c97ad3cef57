import BacktestService
import Catalog
import Foundation
import TestSupport
import Testing

@Suite struct CachingTests {
    @Test func finishedRunDocuments_carryAStrongETag_andAnswer304() async throws {
        try await withRunningService { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            _ = try waitUntilFinished(port, runID)
            for path in ["/runs/\(runID)", "/runs/\(runID)/results", "/runs/\(runID)/trades", "/runs/\(runID)/equity"] {
                let first = try call(port, "GET", path)
                #expect(first.status == 200, "\(path)")
                let tag = try #require(first.header("ETag"), "\(path)")
                // Strong: a quoted SHA-256 of the body, no W/ prefix.
                #expect(tag == "\"" + InputHash.sha256Hex(first.body) + "\"", "\(path)")
                #expect(first.header("Cache-Control") == "private, max-age=3600", "\(path)")
                let again = try call(port, "GET", path)
                #expect(again.header("ETag") == tag && again.body == first.body, "\(path)")
                for condition in [tag, "W/\(tag)", "\"other\", \(tag)", "*"] {
                    let cached = try call(port, "GET", path, headers: ["If-None-Match: \(condition)"])
                    #expect(cached.status == 304, "\(path) \(condition)")
                    #expect(cached.body.isEmpty, "\(path)")
                    #expect(cached.header("Content-Length") == nil, "\(path)")
                    #expect(cached.header("ETag") == tag, "\(path)")
                    #expect(cached.header("Cache-Control") == "private, max-age=3600", "\(path)")
                }
                let head = try call(port, "HEAD", path, headers: ["If-None-Match: \(tag)"])
                #expect(head.status == 304, "\(path)")
                let stale = try call(port, "GET", path, headers: ["If-None-Match: \"0123\""])
                #expect(stale.status == 200 && stale.body == first.body, "\(path)")
            }
            // A 304 has no body and no Content-Length: the next request on the connection still parses.
            let tag = try #require(try call(port, "GET", "/runs/\(runID)").header("ETag"))
            let client = try TestClient(port: port, timeout: 30)
            try client.send(rawRequest("GET", "/runs/\(runID)", headers: ["If-None-Match: \(tag)"], body: ""))
            #expect(try client.readResponse().status == 304)
            try client.send(rawRequest("GET", "/healthz", headers: [], body: ""))
            let next = try client.readResponse()
            #expect(next.status == 200 && next.text == #"{"status":"ok"}"#)
            // Another document of the same run, another tag.
            let top = try call(port, "GET", "/runs/\(runID)/results?limit=1")
            #expect(top.header("ETag") != nil)
            #expect(top.header("ETag") != (try call(port, "GET", "/runs/\(runID)/results").header("ETag")))
        }
    }

    @Test func everythingThatCanChange_isNoStore() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { $0.catalogFaults = faults }) { port, _ in
            faults.failWrites(startingAt: 1, count: 1_000_000, matching: "claimNextQueued")
            let submitted = try call(port, "POST", "/backtests", body: smallGrid)
            #expect(submitted.status == 202)
            #expect(submitted.header("Cache-Control") == "no-store")
            let runID = try #require(try json(submitted)["run_id"]?.string)
            let queued = try call(port, "GET", "/runs/\(runID)")
            #expect(try json(queued)["status"] == "QUEUED")
            #expect(queued.header("ETag") == nil)
            // A conditional request on a document that can change is answered in full.
            #expect(try call(port, "GET", "/runs/\(runID)", headers: ["If-None-Match: *"]).status == 200)
            for path in [
                "/runs/\(runID)", "/runs", "/datasets", "/session", "/healthz", "/readyz", "/runs/\(runID)/results",
                "/runs/run_missing",
            ] {
                let response = try call(port, "GET", path)
                #expect(response.header("Cache-Control") == "no-store", "\(path) \(response.status)")
                #expect(response.header("ETag") == nil, "\(path)")
            }
        }
    }
}
