import BacktestService
import Foundation
import TestSupport
import Testing

func postJSON(_ port: UInt16, _ path: String, _ body: String, headers: [String] = []) throws -> TestClient.Response {
    try call(port, "POST", path, body: body, headers: headers)
}

@Suite struct PresetTests {
    @Test func presets_areIdempotentByNameAndConfig_conflictOtherwise_validatedLikeABacktest() async throws {
        try await withRunningService { port, _ in
            let config =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}}}"#
            let created = try postJSON(port, "/presets", #"{"name":"base","config":\#(config)}"#)
            #expect(created.status == 201)
            let id = try #require(try json(created)["preset_id"]?.string)
            #expect(created.header("Location") == "/presets/\(id)")
            #expect(try json(created)["config"]?["execution"]?["fee_bps"] == .number(0))  // stored normalized
            // The same config in another spelling (defaults explicit, keys reordered): the same preset.
            let same =
                #"{"config":{"strategy":{"params":{"slow":50,"fast":10.0,"delay_bars":0},"name":"dual_sma"},"timeframe":"1d","symbol":"GOOG","top_k":10},"name":"base"}"#
            let again = try postJSON(port, "/presets", same)
            #expect(again.status == 200)
            #expect(try json(again)["preset_id"]?.string == id)
            let other = try postJSON(port, "/presets", #"{"name":"base","config":{"strategy":{"name":"dual_sma"}}}"#)
            #expect(other.status == 409)
            #expect(try json(other)["error"]?["code"] == "conflict")
            // Problems are named inside `config`.
            let invalid = try postJSON(
                port, "/presets",
                #"{"name":"bad","config":{"strategy":{"name":"dual_sma","params":{"fast":0}},"bogus":1}}"#)
            #expect(invalid.status == 422)
            let paths = try json(invalid)["error"]?["details"]?.array?.compactMap { $0["path"]?.string } ?? []
            #expect(paths == ["config.bogus", "config.strategy.params.fast"])
            #expect(try postJSON(port, "/presets", #"{"config":{}}"#).status == 422)
            #expect(
                try postJSON(port, "/presets", #"{"name":"x","config":{"strategy":{"name":"dual_sma"}},"extra":1}"#)
                    .status == 422)
            // List (newest first), read, delete.
            _ = try postJSON(port, "/presets", #"{"name":"second","config":{"strategy":{"name":"dual_sma"}}}"#)
            let list = try json(try call(port, "GET", "/presets?limit=1"))
            #expect(list["total"] == .integer(2))
            #expect(list["presets"]?.array?.first?["name"] == "second")
            #expect(try call(port, "GET", "/presets/\(id)").status == 200)
            #expect(try call(port, "DELETE", "/presets/\(id)").status == 204)
            #expect(try call(port, "GET", "/presets/\(id)").status == 404)
            #expect(try call(port, "DELETE", "/presets/\(id)").status == 404)
        }
    }

    @Test func savedMode_mergesOverrides_andHashesLikeTheFullBody() async throws {
        try await withRunningService(settings: { $0.maxActiveFree = 0 }) { port, _ in
            let config =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}},"execution":{"fee_bps":5,"slippage_bps":2},"validation":{"permutation":{"n":10}},"grid":{"fast":{"values":[5,10]}}}"#
            let preset = try #require(
                try json(try postJSON(port, "/presets", #"{"name":"p","config":\#(config)}"#))["preset_id"]?.string)
            // Objects merge key by key (slippage stays), arrays replace, null removes, a range replaces values.
            let overrides =
                #"{"preset_id":"\#(preset)","execution":{"fee_bps":7},"validation":null,"grid":{"fast":{"range":{"start":4,"stop":12,"step":4}},"slow":{"values":[40,60]}}}"#
            let saved = try postJSON(port, "/backtests", overrides)
            #expect(saved.status == 202, "\(saved.text)")
            let full =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}},"execution":{"fee_bps":7,"slippage_bps":2},"grid":{"fast":{"values":[4,8,12]},"slow":{"values":[40,60]}}}"#
            let direct = try postJSON(port, "/backtests", full)
            #expect(direct.status == 200)  // the same input: the saved-mode run answers
            #expect(try json(direct)["input_hash"] == json(saved)["input_hash"])
            #expect(try json(direct)["run_id"] == json(saved)["run_id"])
            let presetHash = try json(try call(port, "GET", "/presets/\(preset)"))["spec_hash"]
            #expect(try json(saved)["spec_hash"] == presetHash)
            let runID = try #require(try json(saved)["run_id"]?.string)
            #expect(try json(try call(port, "GET", "/runs/\(runID)"))["spec_hash"] == presetHash)

            // A dataset_id override replaces the preset's symbol and timeframe.
            let datasets = try json(try call(port, "GET", "/datasets"))["datasets"]?.array ?? []
            let spy = try #require(datasets.first { $0["symbol"] == "GOOG" }?["dataset_id"]?.string)
            let moved = try postJSON(port, "/backtests", #"{"preset_id":"\#(preset)","dataset_id":"\#(spy)"}"#)
            #expect(moved.status == 202, "\(moved.text)")
            let movedRun = try #require(try json(moved)["run_id"]?.string)
            let request = try json(try call(port, "GET", "/runs/\(movedRun)"))["request"]
            #expect(request?["dataset_id"]?.string == spy && request?["symbol"] == nil)

            // Unknown, malformed and other owners' presets are all a 422 on preset_id.
            for reference in [#""pre_missing""#, "42"] {
                let refused = try postJSON(port, "/backtests", #"{"preset_id":\#(reference)}"#)
                #expect(refused.status == 422)
                #expect(try json(refused)["error"]?["details"]?.array?.first?["path"] == "preset_id")
            }
        }
    }

    @Test func anotherOwnersPreset_isAMissingOne() async throws {
        try await withRunningService { port, service in
            let alice = try makeKey(service, owner: "alice", tier: "pro")
            let bob = try makeKey(service, owner: "bob", tier: "pro")
            let created = try postJSON(
                port, "/presets", #"{"name":"mine","config":{"strategy":{"name":"dual_sma"}}}"#, headers: bearer(alice))
            let id = try #require(try json(created)["preset_id"]?.string)
            #expect(try call(port, "GET", "/presets/\(id)", headers: bearer(bob)).status == 404)
            #expect(try call(port, "DELETE", "/presets/\(id)", headers: bearer(bob)).status == 404)
            let submitted = try postJSON(
                port, "/backtests", #"{"preset_id":"\#(id)","symbol":"GOOG","timeframe":"1d"}"#, headers: bearer(bob))
            #expect(submitted.status == 422)
            #expect(try json(submitted)["error"]?["details"]?.array?.first?["message"] == .string("no preset \(id)"))
            #expect(try json(try call(port, "GET", "/presets", headers: bearer(bob)))["total"] == .integer(0))
        }
    }

    @Test func hashes_matchTheirDefinitions() async throws {
        try await withRunningService { port, _ in
            let response = try postJSON(port, "/backtests", smallGrid)
            #expect(response.status == 202)
            let document = try json(response)
            let grid =
                #"{"grid":{"fast":{"values":[5,10,15,20,25,30,35,40,45,50]},"slow":{"values":[20,50,100,200]}},"strategy":{"name":"dual_sma","params":{"delay_bars":0,"long_only":true,"threshold_bp":0}}}"#
            let engine =
                #"{"engine_version":"backtestd-engine/1","execution":{"borrow_bps":0,"commission_per_share":0,"fee_bps":0,"fill_price":"close","initial_cash":10000,"slippage_bps":0},"risk":{"name":"fixed_fraction","params":{"fraction":1,"max_leverage":1},"stop_loss_pct":null,"take_profit_pct":null},"validation":null}"#
            #expect(document["grid_request_hash"] == .string(InputHash.sha256Hex(Array(grid.utf8))))
            #expect(document["engine_params_hash"] == .string(InputHash.sha256Hex(Array(engine.utf8))))
            #expect(document["spec_hash"] == .null)
            // The same on the run, and on a replay.
            let runID = try #require(document["run_id"]?.string)
            let run = try json(try call(port, "GET", "/runs/\(runID)"))
            for key in ["grid_request_hash", "engine_params_hash", "spec_hash", "input_hash"] {
                #expect(run[key] == document[key], "\(key)")
            }
            #expect(
                try json(try postJSON(port, "/backtests", smallGrid))["grid_request_hash"]
                    == document["grid_request_hash"])
        }
    }

    @Test func aResultsSpec_reproducesItsRow_andSavesAsAPreset() async throws {
        try await withRunningService { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","from":"2010-01-01T00:00:00Z","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10,20]},"slow":{"values":[50,100]}},"execution":{"fee_bps":3}}"#
            let runID = try #require(try json(try postJSON(port, "/backtests", body))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let rows = try json(try call(port, "GET", "/runs/\(runID)/results"))["results"]?.array ?? []
            let second = try #require(rows.dropFirst().first)
            let spec = try #require(second["spec"])
            #expect(spec["grid"] == .object([]))
            #expect(spec["dataset_id"] != nil && spec["from"] == "2010-01-01T00:00:00Z")
            #expect(spec["strategy"]?["params"]?["fast"] == second["params"]?["fast"])
            let single = try #require(
                try json(try postJSON(port, "/backtests", JSONWriter.compact(spec)))["run_id"]?.string)
            #expect(try waitUntilFinished(port, single)["status"] == "DONE")
            let reproduced = try json(try call(port, "GET", "/runs/\(single)/results"))["results"]?.array?.first
            #expect(reproduced?["metrics"] == second["metrics"])
            // Saved as a preset: its config is the spec.
            let saved = try postJSON(port, "/runs/\(runID)/results/2/preset", #"{"name":"second best"}"#)
            #expect(saved.status == 201)
            #expect(try JSONWriter.canonical(json(saved)["config"] ?? .null) == JSONWriter.canonical(spec))
            #expect(try postJSON(port, "/runs/\(runID)/results/2/preset", #"{"name":"second best"}"#).status == 200)
            #expect(try postJSON(port, "/runs/\(runID)/results/99/preset", #"{"name":"x"}"#).status == 404)
            #expect(try postJSON(port, "/runs/\(runID)/results/0/preset", #"{"name":"x"}"#).status == 404)
        }
    }
}
