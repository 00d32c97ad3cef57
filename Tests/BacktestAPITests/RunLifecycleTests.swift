import BacktestService
import Foundation
import TestSupport
import Testing

/// Parses an SSE body into (id, event, data) frames; `: ka` comments are counted separately.
func frames(_ text: String) -> (events: [(id: Int, type: String, data: JSONValue)], comments: Int) {
    var events: [(Int, String, JSONValue)] = []
    var comments = 0
    for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
        var id = -1
        var type = ""
        var data: JSONValue = .null
        for line in block.split(separator: "\n") {
            if line.hasPrefix(":") { comments += 1 }
            if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) ?? -1 }
            if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = (try? JSONParser.parse(String(line.dropFirst(6)))) ?? .null }
        }
        if id >= 0 { events.append((id, type, data)) }
    }
    return (events, comments)
}

let walkGrid =
    #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":60,"step":1}},"slow":{"range":{"start":61,"stop":200,"step":1}}}}"#

func uploadWalk(_ port: UInt16, bars: Int = 40_000, headers: [String] = []) throws {
    let response = try call(
        port, "POST", "/datasets?symbol=WALK&timeframe=1h", body: randomWalkCSV(bars: bars, seed: 3), headers: headers,
        contentType: "text/csv")
    guard response.status == 201 || response.status == 200 else {
        throw TestClient.Failure(message: "upload failed: \(response.text)")
    }
}

@Suite struct RunLifecycleTests {
    @Test func run_goesQueuedRunningDone_andSSEReplaysTheLog() async throws {
        try await withRunningService(configure: {
            $0.progressEveryBarVariants = 20_000; $0.chunkVariants = 8
        }) { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let run = try waitUntilFinished(port, runID)
            #expect(run["status"] == "DONE")
            #expect(run["progress"]?["pct"] == 100)
            #expect(run["best"]?["variant_key"]?.string != nil)
            #expect(run["started_at"]?.string != nil && run["finished_at"]?.string != nil)
            let stream = try call(port, "GET", "/runs/\(runID)/events")
            #expect(stream.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            let (events, _) = frames(stream.text)
            #expect(events.map(\.id) == Array(0..<events.count))
            #expect(events.first?.type == "stage")
            #expect(events.first?.data["data"]?["status"] == "QUEUED")
            #expect(events[1].data["data"]?["status"] == "RUNNING")
            #expect(events.filter { ["completed", "failed", "cancelled"].contains($0.type) }.count == 1)
            #expect(events.last?.type == "completed")
            #expect(events.contains { $0.type == "progress" })
            #expect(events.contains { $0.type == "snapshot" })
            for event in events {
                #expect(event.data["run_id"]?.string == runID)
                #expect(event.data["seq"]?.integer == event.id)
            }
            // Resume after N, by query and by header.
            let after = frames(try call(port, "GET", "/runs/\(runID)/events?after=1").text).events
            #expect(after.map(\.id) == Array(2..<events.count))
            let header = frames(try call(port, "GET", "/runs/\(runID)/events", headers: ["Last-Event-ID: 1"]).text)
                .events
            #expect(header.map(\.id) == after.map(\.id))
            // Following a finished run past its end closes at once instead of waiting forever.
            let started = Date()
            let tail = try call(port, "GET", "/runs/\(runID)/events?follow=1&after=\(events.count - 1)")
            #expect(tail.status == 200)
            #expect(frames(tail.text).events.isEmpty)
            #expect(Date().timeIntervalSince(started) < 5)
        }
    }

    @Test func results_tradesAndEquityDescribeTheRankedVariants() async throws {
        try await withRunningService { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            _ = try waitUntilFinished(port, runID)
            let results = try json(try call(port, "GET", "/runs/\(runID)/results"))
            let rows = try #require(results["results"]?.array)
            #expect(rows.count == 10)
            let returns = rows.compactMap { $0["metrics"]?["total_return_pct"]?.number }
            #expect(returns == returns.sorted(by: >))
            #expect(rows.first?["report"]?.array?.count == 30)
            #expect(rows.first?["params"]?["long_only"] == true)
            let heatmap = try #require(results["grid"]?["heatmap"])
            #expect(heatmap["rows"]?.array?.count == 10)
            #expect(heatmap["cols"]?.array?.count == 4)
            #expect(results["grid"]?["skipped"] == 8)
            #expect(heatmap["values"]?.array?.first?.array?.count == 4)
            #expect(try json(try call(port, "GET", "/runs/\(runID)/results?limit=2"))["results"]?.array?.count == 2)
            let trades = try json(try call(port, "GET", "/runs/\(runID)/trades?limit=3&offset=1"))
            #expect(trades["trades"]?.array?.count == 3)
            #expect(trades["variant_key"] == rows.first?["variant_key"])
            #expect((trades["total"]?.integer ?? 0) == rows.first?["metrics"]?["total_trades"]?.integer)
            let second = try json(try call(port, "GET", "/runs/\(runID)/trades?variant=2"))
            #expect(second["variant_key"] == rows[1]["variant_key"])
            let equity = try json(try call(port, "GET", "/runs/\(runID)/equity?max_points=50"))
            let points = try #require(equity["equity"]?.array)
            #expect(points.count <= 50)
            #expect(equity["t"]?.array?.first == "2004-08-19T00:00:00Z")
            #expect(equity["t"]?.array?.last == "2013-03-01T00:00:00Z")
            #expect(points.last?.number == rows.first?["metrics"]?["end_value"]?.number)
            #expect(try call(port, "GET", "/runs/\(runID)/trades?variant=fast=999").status == 404)
        }
    }

    @Test func symbolSelection_slicesToFromAndTo() async throws {
        try await withRunningService { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","from":"2006-01-01T00:00:00Z","to":"2008-12-31T00:00:00Z","strategy":{"name":"dual_sma","params":{"fast":10,"slow":30}}}"#
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: body))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let report =
                try json(try call(port, "GET", "/runs/\(runID)/results"))["results"]?.array?.first?["report"]?.array
                ?? []
            #expect(report.first?["value"] == "2006-01-03T00:00:00Z")
            #expect(report[1]["value"] == "2008-12-31T00:00:00Z")
            let outside =
                #"{"symbol":"GOOG","timeframe":"1d","from":"2030-01-01T00:00:00Z","strategy":{"name":"dual_sma"}}"#
            #expect(try call(port, "POST", "/backtests", body: outside).status == 422)
            let reversed =
                #"{"symbol":"GOOG","timeframe":"1d","from":"2010-01-01T00:00:00Z","to":"2009-01-01T00:00:00Z","strategy":{"name":"dual_sma"}}"#
            #expect(try call(port, "POST", "/backtests", body: reversed).status == 422)
        }
    }

    @Test func follow_pushesLiveEventsAndClosesAfterTheTerminalOne() async throws {
        try await withRunningService(configure: { $0.progressEveryBarVariants = 50_000_000 }) { port, _ in
            try uploadWalk(port)
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            let client = try TestClient(port: port, timeout: 120)
            try client.send(rawRequest("/runs/\(runID)/events?follow=1"))
            let response = try client.readResponse()  // chunked: returns when the server ends the stream
            let (events, comments) = frames(response.text)
            #expect(events.map(\.id) == Array(0..<events.count))
            #expect(events.last?.type == "completed")
            #expect(events.contains { $0.type == "progress" })
            #expect(comments >= 1)  // keep-alive every 0.2 s in tests
            #expect(try json(try call(port, "GET", "/runs/\(runID)"))["status"] == "DONE")
        }
    }

    @Test func cancel_stopsAQueuedRunAtOnceAndARunningOneAtItsNextCheckpoint() async throws {
        try await withRunningService(configure: { $0.workers = 1 }) { port, _ in
            try uploadWalk(port)
            let running = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(port, running, "RUNNING")
            let queued = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let cancelQueued = try call(port, "POST", "/runs/\(queued)/cancel")
            #expect(cancelQueued.status == 202)
            #expect(try json(try call(port, "GET", "/runs/\(queued)"))["status"] == "CANCELLED")
            let started = Date()
            #expect(try call(port, "POST", "/runs/\(running)/cancel").status == 202)
            try waitUntilStatus(port, running, "CANCELLED", seconds: 5)
            #expect(Date().timeIntervalSince(started) < 4)  // at a checkpoint, on a busy 2-core machine too
            for id in [queued, running] {
                let events = frames(try call(port, "GET", "/runs/\(id)/events").text).events
                #expect(events.filter { ["completed", "failed", "cancelled"].contains($0.type) }.count == 1)
                #expect(events.last?.type == "cancelled")
            }
            // Idempotent: a finished run answers 200, unchanged.
            let again = try call(port, "POST", "/runs/\(running)/cancel")
            #expect(again.status == 200)
            #expect(try json(again)["status"] == "CANCELLED")
            #expect(try call(port, "GET", "/runs/\(running)/results").status == 409)
        }
    }

    @Test func delete_removesTheRunWithItsEvents() async throws {
        try await withRunningService { port, _ in
            try uploadWalk(port)
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(port, runID, "RUNNING")
            let deleted = try call(port, "DELETE", "/runs/\(runID)")
            #expect(deleted.status == 204)
            #expect(deleted.header("Content-Length") == nil)  // RFC 9110 §8.6: none on 204
            #expect(try call(port, "GET", "/runs/\(runID)").status == 404)
            #expect(try call(port, "GET", "/runs/\(runID)/events").status == 404)
            #expect(try call(port, "DELETE", "/runs/\(runID)").status == 404)
            // The worker is free again.
            let next = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            #expect(try waitUntilFinished(port, next)["status"] == "DONE")
        }
    }

    @Test func retention_keepsTheNewestFinishedRuns() async throws {
        try await withRunningService(configure: { $0.retentionRuns = 2 }) { port, _ in
            var ids: [String] = []
            for fast in [3, 4, 5] {
                let body =
                    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":\#(fast),"slow":30}}}"#
                let id = try #require(try json(try call(port, "POST", "/backtests", body: body))["run_id"]?.string)
                _ = try waitUntilFinished(port, id)
                ids.append(id)
            }
            Thread.sleep(forTimeInterval: 0.2)
            #expect(try call(port, "GET", "/runs/\(ids[0])").status == 404)
            #expect(try call(port, "GET", "/runs/\(ids[2])").status == 200)
            let list = try json(try call(port, "GET", "/runs"))
            #expect(list["total"] == 2)
            #expect(list["runs"]?.array?.first?["run_id"]?.string == ids[2])
            #expect(
                try json(try call(port, "GET", "/runs?order=asc&limit=1"))["runs"]?.array?.first?["run_id"]?.string
                    == ids[1])
            #expect(try json(try call(port, "GET", "/runs?status=DONE"))["total"] == 2)
            #expect(try call(port, "GET", "/runs?status=BOGUS").status == 400)
        }
    }
}
