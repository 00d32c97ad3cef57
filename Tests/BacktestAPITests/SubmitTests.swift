import BacktestService
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite struct SubmitTests {
    @Test func submit_answers202ThenEXISTSForTheSameNormalizedInput() async throws {
        try await withRunningService { port, _ in
            let first = try call(
                port, "POST", "/backtests",
                body:
                    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":20,"slow":50}}}"#
            )
            #expect(first.status == 202)
            let created = try json(first)
            let runID = try #require(created["run_id"]?.string)
            #expect(first.header("Location") == "/runs/\(runID)")
            #expect(created["status"] == "QUEUED")
            #expect(created["input_hash"]?.string?.count == 64)
            // Reordered keys, 20.0 for 20, defaults spelled out: the same input.
            let same =
                #"{"strategy":{"params":{"slow":50.0,"fast":20,"threshold_bp":0,"long_only":true},"name":"dual_sma"},"timeframe":"1d","symbol":"GOOG","execution":{"fee_bps":0,"initial_cash":10000},"top_k":10,"seed":42}"#
            let again = try call(port, "POST", "/backtests", body: same)
            #expect(again.status == 200)
            let existing = try json(again)
            #expect(existing["run_id"]?.string == runID)
            #expect(existing["status"] == "EXISTS")
            #expect(existing["input_hash"] == created["input_hash"])
            #expect(existing["run_status"]?.string != nil)
            // A different input is a new run.
            let other = try call(
                port, "POST", "/backtests",
                body:
                    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":21,"slow":50}}}"#
            )
            #expect(other.status == 202)
        }
    }

    @Test func idempotencyKey_sameInputIsEXISTS_differentInputIs422() async throws {
        try await withRunningService { port, _ in
            let body = #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#
            let first = try call(port, "POST", "/backtests", body: body, headers: ["Idempotency-Key: key-1"])
            #expect(first.status == 202)
            let again = try call(port, "POST", "/backtests", body: body, headers: ["Idempotency-Key: key-1"])
            #expect(again.status == 200)
            #expect(try json(again)["run_id"] == json(first)["run_id"])
            let changed = try call(
                port, "POST", "/backtests",
                body: #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":5}}}"#,
                headers: ["Idempotency-Key: key-1"])
            #expect(changed.status == 422)
            #expect(try json(changed)["error"]?["code"] == "idempotency_key_reused")
            let badKey = try call(
                port, "POST", "/backtests", body: body,
                headers: ["Idempotency-Key: " + String(repeating: "k", count: 256)])
            #expect(badKey.status == 422)
        }
    }

    @Test func fiftyConcurrentIdenticalPosts_createOneRun() async throws {
        try await withRunningService { port, _ in
            let ids = Mutex<[String]>([])
            let statuses = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 50) { _ in
                guard let response = try? call(port, "POST", "/backtests", body: smallGrid),
                    let id = (try? json(response))?["run_id"]?.string
                else { return }
                ids.withLock { $0.append(id) }
                statuses.withLock { $0.append(response.status) }
            }
            let all = ids.withLock { $0 }
            #expect(all.count == 50)
            #expect(Set(all).count == 1)
            #expect(statuses.withLock { $0.filter { $0 == 202 }.count } == 1)
        }
    }

    @Test func validation_reportsEveryProblemSortedByPath() async throws {
        try await withRunningService { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":60,"slow":50,"extra":1}},"top_k":0,"bogus":true,"execution":{"fill_price":"vwap"}}"#
            let response = try call(port, "POST", "/backtests", body: body)
            #expect(response.status == 422)
            let error = try #require(try json(response)["error"])
            #expect(error["code"] == "validation_error")
            let paths = error["details"]?.array?.compactMap { $0["path"]?.string } ?? []
            #expect(
                paths == ["bogus", "execution.fill_price", "strategy.params.extra", "strategy.params.fast", "top_k"])
            #expect(error["details"]?.array?.first?["message"] == "extra fields forbidden")
            // Same bad input, same bytes.
            #expect(try call(port, "POST", "/backtests", body: body).body == response.body)
        }
    }

    @Test func submit_refusesMalformedJSONWrongTypeHugeGridsAndUnknownData() async throws {
        try await withRunningService(configure: { $0.maxGridVariants = 100 }) { port, _ in
            #expect(try call(port, "POST", "/backtests", body: #"{"symbol": "#).status == 400)
            #expect(try call(port, "POST", "/backtests", body: "[1]").status == 400)
            #expect(try call(port, "POST", "/backtests", body: smallGrid, contentType: "text/plain").status == 415)
            let huge =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":20,"step":1}},"slow":{"range":{"start":21,"stop":40,"step":1}}}}"#
            let refused = try call(port, "POST", "/backtests", body: huge)
            #expect(refused.status == 422)
            #expect(refused.text.contains("more than the limit of 100"))
            let unknown = try call(
                port, "POST", "/backtests", body: #"{"symbol":"NOPE","timeframe":"1d","strategy":{"name":"dual_sma"}}"#)
            #expect(unknown.status == 422)
            let both = try call(
                port, "POST", "/backtests",
                body: #"{"dataset_id":"ds_x","symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#)
            #expect(both.status == 422)
            let tooSlow = try call(
                port, "POST", "/backtests",
                body:
                    #"{"symbol":"BTCUSD","timeframe":"1mo","strategy":{"name":"dual_sma","params":{"fast":5,"slow":200}}}"#
            )
            #expect(tooSlow.status == 422)
            #expect(try call(port, "GET", "/runs?limit=0").status == 400)
            #expect(try call(port, "GET", "/runs/run_missing").status == 404)
        }
    }

    @Test func queueFull_answers503WithRetryAfter() async throws {
        try await withRunningService(configure: {
            $0.queueCapacity = 1; $0.workers = 1
        }) { port, _ in
            // Occupy the only worker with a long run, then fill the queue.
            let csv = randomWalkCSV(bars: 40_000, seed: 3)
            let upload = try call(
                port, "POST", "/datasets?symbol=WALK&timeframe=1h", body: csv, contentType: "text/csv")
            #expect(upload.status == 201)
            let long =
                #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":60,"step":1}},"slow":{"range":{"start":61,"stop":200,"step":1}}}}"#
            let running = try json(try call(port, "POST", "/backtests", body: long))
            let runID = try #require(running["run_id"]?.string)
            try waitUntilStatus(port, runID, "RUNNING")
            #expect(try call(port, "POST", "/backtests", body: smallGrid).status == 202)
            let full = try call(
                port, "POST", "/backtests",
                body: #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":3,"slow":9}}}"#
            )
            #expect(full.status == 503)
            #expect(full.header("Retry-After") != nil)
            #expect(try json(full)["error"]?["code"] == "queue_full")
            #expect(try json(full)["error"]?["retryable"] == true)
            _ = try call(port, "POST", "/runs/\(runID)/cancel")
        }
    }
}
