import Testing

@testable import BacktestEngine
@testable import BacktestService

/// The `walk_forward` section of a request: every field validated with its path, defaults explicit
/// in the normalized form (so the input hash does not depend on them being spelled out).
@Suite struct WalkForwardRequestTests {
    static let parser = RequestParser(maxGridVariants: 1_000_000, requiresData: false)

    static func body(_ walkForward: String) -> [UInt8] {
        Array(
            (#"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}},"walk_forward":"#
                + walkForward + "}").utf8)
    }

    static func problems(_ walkForward: String) -> [ServiceError.Detail] {
        do {
            _ = try parser.parse(body(walkForward))
            return []
        } catch {
            return error.details
        }
    }

    @Test func defaults_areExplicitInTheNormalizedRequest() throws {
        let short = try Self.parser.parse(Self.body(#"{"train_bars":500,"test_bars":100}"#))
        let long = try Self.parser.parse(
            Self.body(
                #"{"train_bars":500,"test_bars":100,"step_bars":100,"anchored":false,"objective":"total_return_pct"}"#))
        #expect(short.walkForward == long.walkForward)
        #expect(JSONWriter.canonical(short.normalized) == JSONWriter.canonical(long.normalized))
        #expect(short.walkForward?.configuration == .init(trainBars: 500, testBars: 100, stepBars: 100))
        #expect(
            JSONWriter.canonical(short.normalized["walk_forward"] ?? .null)
                == #"{"anchored":false,"objective":"total_return_pct","step_bars":100,"test_bars":100,"train_bars":500}"#
        )
        // Without the section the normalized request does not name it (older input hashes hold).
        let plain = try Self.parser.parse(
            Array(#"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}}}"#.utf8))
        #expect(plain.normalized["walk_forward"] == nil)
        #expect(plain.walkForward == nil)
    }

    @Test func objective_defaultsToRankBy_andKeepsMinTrades() throws {
        let text =
            #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5]},"slow":{"values":[50]}},"rank_by":"sharpe_ratio","min_trades":3,"walk_forward":{"train_bars":400,"test_bars":100}}"#
        let request = try Self.parser.parse(Array(text.utf8))
        #expect(request.walkForward?.ranking == Ranking(objective: .sharpeRatio, minTrades: 3))
        #expect(request.normalized["walk_forward"]?["objective"] == .string("sharpe_ratio"))
        let own = try Self.parser.parse(
            Self.body(#"{"train_bars":400,"test_bars":100,"objective":"max_drawdown_pct"}"#))
        #expect(own.walkForward?.ranking.objective == .maxDrawdownPct)
    }

    /// The offline command has one CSV and no catalog: it refuses what needs the server.
    @Test func offline_refusesWalkForwardAndSeveralDatasets() {
        let csv = Array("timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n".utf8)
        for (body, path) in [
            (String(decoding: Self.body(#"{"train_bars":400,"test_bars":100}"#), as: UTF8.self), "walk_forward"),
            (#"{"symbols":[{"symbol":"A","timeframe":"1d"}],"strategy":{"name":"dual_sma"}}"#, "symbols"),
            (#"{"datasets":["ds_a"],"strategy":{"name":"dual_sma"}}"#, "datasets"),
        ] {
            do {
                _ = try OfflineBacktest.run(csv: csv, request: Array(body.utf8), timeframe: "1d", top: 1)
                Issue.record("\(path) must be refused offline")
            } catch {
                #expect(error.details.map(\.path) == [path])
            }
        }
    }

    @Test func everyBadField_isNamedByItsPath() {
        let details = Self.problems(
            #"{"train_bars":1,"test_bars":0,"step_bars":"x","anchored":3,"objective":"luck","extra":1}"#)
        #expect(
            details.map(\.path) == [
                "walk_forward.anchored", "walk_forward.extra", "walk_forward.objective", "walk_forward.step_bars",
                "walk_forward.test_bars", "walk_forward.train_bars",
            ])
        #expect(Self.problems(#"{}"#).map(\.path) == ["walk_forward.test_bars", "walk_forward.train_bars"])
        #expect(Self.problems(#"[1]"#).map(\.path) == ["walk_forward"])
        #expect(
            Self.problems(#"{"train_bars":100,"test_bars":50,"step_bars":49}"#).map(\.message) == [
                "must be at least test_bars (50): test slices may not overlap"
            ])
    }

    @Test func limits_holdAtNAndNPlusOne() {
        let max = RequestParser.maxWalkForwardBars
        #expect(Self.problems(#"{"train_bars":2,"test_bars":1}"#).isEmpty)
        #expect(Self.problems(#"{"train_bars":1,"test_bars":1}"#).map(\.path) == ["walk_forward.train_bars"])
        #expect(Self.problems(#"{"train_bars":2,"test_bars":0}"#).map(\.path) == ["walk_forward.test_bars"])
        #expect(Self.problems(#"{"train_bars":\#(max),"test_bars":\#(max),"step_bars":\#(max)}"#).isEmpty)
        #expect(
            Self.problems(#"{"train_bars":\#(max + 1),"test_bars":\#(max + 1),"step_bars":\#(max + 1)}"#).map(\.path)
                == ["walk_forward.step_bars", "walk_forward.test_bars", "walk_forward.train_bars"])
    }

    /// Whether the windows fit is a question of the data: checked at submission with the bar count.
    @Test func windowsLongerThanTheData_orTooMany_areRefusedWithTheirPath() throws {
        func check(_ walkForward: String, bars: Int) -> [String] {
            guard let request = try? Self.parser.parse(Self.body(walkForward)) else { return ["unparsed"] }
            do {
                try BacktestService.checkWalkForward(request, bars: bars)
                return []
            } catch {
                return error.details.map(\.path)
            }
        }
        #expect(check(#"{"train_bars":400,"test_bars":100}"#, bars: 500) == [])
        #expect(check(#"{"train_bars":400,"test_bars":100}"#, bars: 499) == ["walk_forward.train_bars"])
        // The request's warm-up applies to every train slice: it must leave a bar of it.
        func warm(_ warmup: Int) -> [String] {
            let text =
                #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5]},"slow":{"values":[50]}},"warmup_bars":\#(warmup),"walk_forward":{"train_bars":400,"test_bars":100}}"#
            guard let request = try? Self.parser.parse(Array(text.utf8)) else { return ["unparsed"] }
            do {
                try BacktestService.checkWalkForward(request, bars: 1000)
                return []
            } catch {
                return error.details.map(\.path)
            }
        }
        #expect(warm(399) == [])
        #expect(warm(400) == ["walk_forward.train_bars"])
        let limit = WalkForwardConfiguration.maxWindows
        #expect(check(#"{"train_bars":100,"test_bars":1}"#, bars: 100 + limit) == [])
        #expect(check(#"{"train_bars":100,"test_bars":1}"#, bars: 101 + limit) == ["walk_forward.step_bars"])
    }
}
