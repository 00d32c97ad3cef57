import Testing

@testable import BacktestEngine
@testable import BacktestService

/// Grid sizes derived from a client's numbers: never a trap, never past the limit.
@Suite struct GridLimitTests {
    static let parser = RequestParser(maxGridVariants: 1_000_000, requiresData: false)

    static func body(grid: String) -> String {
        #"{"strategy":{"name":"dual_sma"},"grid":"# + grid + "}"
    }

    static func paths(_ error: ServiceError) -> [String] { error.details.map(\.path) }

    /// The request that used to kill the process (4 axes whose product overflows `Int`).
    @Test func theOverflowingGridOfTheIssueIsA422() throws {
        let grid =
            #"{"fast":{"range":{"start":1,"stop":43000,"step":1}},"slow":{"range":{"start":2,"stop":43001,"step":1}},"delay_bars":{"range":{"start":0,"stop":99762,"step":1}},"threshold_bp":{"range":{"start":0,"stop":10000,"step":0.1}}}"#
        do {
            _ = try Self.parser.parse(Array(Self.body(grid: grid).utf8))
            Issue.record("must be refused")
        } catch {
            #expect(error.code == "validation_error")
            // The 0.1 step gives 100,001 values (one axis past its own limit), and the product is refused.
            #expect(Self.paths(error) == ["grid", "grid.threshold_bp.range.step"])
            #expect(error.details.first?.message.contains("18446744073709551616") == false)
            #expect(error.details.first?.message.contains("more than the limit of 1000000") == true)
        }
    }

    @Test func theLimitHoldsAtNAndNPlusOne() throws {
        let parser = RequestParser(maxGridVariants: 12, requiresData: false)
        // 3 × 4 = 12 combinations: accepted, and the variants never exceed the limit.
        let atLimit = try parser.parse(
            Array(Self.body(grid: #"{"fast":{"values":[1,2,3]},"slow":{"values":[10,11,12,13]}}"#).utf8))
        #expect(atLimit.grid.validCount == 12)
        // 13 combinations: refused with the exact count.
        do {
            _ = try parser.parse(
                Array(Self.body(grid: #"{"fast":{"values":[1]},"slow":{"range":{"start":2,"stop":14,"step":1}}}"#).utf8)
            )
            Issue.record("13 > 12 must be refused")
        } catch {
            #expect(error.details.first?.message == "has 13 combinations, more than the limit of 12")
        }
    }

    @Test func rangeCountsNeverTrap() {
        #expect(ParameterGrid.rangeCount(start: 0, stop: 1e12, step: 1e-300) == nil)
        #expect(ParameterGrid.rangeCount(start: -1e12, stop: 1e12, step: .leastNonzeroMagnitude) == nil)
        #expect(ParameterGrid.rangeCount(start: 0, stop: .infinity, step: 1) == nil)
        #expect(ParameterGrid.rangeCount(start: 0, stop: 10, step: .nan) == nil)
        #expect(ParameterGrid.rangeCount(start: 0, stop: 10, step: 0) == nil)
        #expect(ParameterGrid.rangeCount(start: 0, stop: 10, step: -1) == nil)
        #expect(ParameterGrid.rangeCount(start: 5, stop: 5, step: 0) == 1)
        #expect(ParameterGrid.rangeCount(start: 0, stop: 10_000, step: 0.1) == 100_001)
        #expect(ParameterGrid.rangeValues(start: 0, stop: 1e12, step: 1e-300).isEmpty)
        #expect(ParameterGrid.rangeValues(start: 0, stop: 10, step: 5, limit: 2).isEmpty)
    }

    @Test func countsSaturateInsteadOfOverflowing() {
        let delays = ParameterGrid.Axis(parameter: .delayBars, values: (0..<1000).map(Double.init))
        let thresholds = ParameterGrid.Axis(parameter: .thresholdBp, values: (0..<1000).map(Double.init))
        var grid = ParameterGrid(base: DualSMAParameters(fast: 1, slow: 2), axes: [delays, thresholds])
        #expect(grid.exactCombinationCount == 1_000_000)
        #expect(grid.validCount == 1_000_000)
        #expect((Int.max / 2).saturatingMultiplied(by: 3) == .max)
        #expect(Int.max.saturatingAdding(1) == .max)
        #expect(6.saturatingMultiplied(by: 7) == 42)
        grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2),
            axes: [
                .init(parameter: .fast, values: (1...100_000).map(Double.init)),
                .init(parameter: .slow, values: (2...100_001).map(Double.init)),
                .init(parameter: .delayBars, values: (0..<100_000).map(Double.init)),
                .init(parameter: .thresholdBp, values: (0..<100_000).map(Double.init)),
            ])
        #expect(grid.exactCombinationCount == nil)
        #expect(grid.combinationCount == .max)
        #expect(grid.validCount == .max)
        #expect(RequestParser.exactCombinations(grid.axes) == UInt128(100_000) * 100_000 * 100_000 * 100_000)
    }

    /// Random grids: random axes, ranges near the bounds and beyond, tiny and huge steps, value
    /// lists. Whatever is accepted has an exact count within the limit; nothing traps.
    @Test func randomGridsAreRefusedOrWithinTheLimit() throws {
        var random = SeededGenerator(seed: 7)
        let limit = 50_000
        let parser = RequestParser(maxGridVariants: limit, requiresData: false)
        let edges: [Double] = [
            0, 1, 2, 1e-300, .leastNonzeroMagnitude, 1e-12, 0.1, 1e3, 1e5, 1e6, 1e12, 1e15, 9.2e18, 1.8e19, 1e300, -1,
            -1e12,
        ]
        var accepted = 0
        for _ in 0..<3000 {
            var axes: [String] = []
            for name in ["fast", "slow", "delay_bars", "threshold_bp"] where random.nextUnit() < 0.7 {
                let pick = { edges[random.nextIndex(below: edges.count)] * (random.nextUnit() < 0.5 ? 1 : 3) }
                if random.nextUnit() < 0.3 {
                    let values = (0..<(1 + random.nextIndex(below: 20))).map { _ in
                        ParameterGrid.format(pick().rounded())
                    }
                    axes.append(#""\#(name)":{"values":[\#(values.joined(separator: ","))]}"#)
                } else {
                    let start = pick()
                    let stop = start + pick()
                    let step = pick()
                    axes.append(#""\#(name)":{"range":{"start":\#(start),"stop":\#(stop),"step":\#(step)}}"#)
                }
            }
            let body = Self.body(grid: "{" + axes.joined(separator: ",") + "}")
            guard let request = try? parser.parse(Array(body.utf8)) else { continue }
            accepted += 1
            let product = request.gridAxes.reduce(1.0) { $0 * Double($1.values.count) }
            #expect(product <= Double(limit))
            #expect(request.grid.exactCombinationCount.map { Double($0) } == product)
            #expect(request.grid.validCount <= limit)
        }
        #expect(accepted > 0)
    }
}

@Suite struct JSONBudgetTests {
    @Test func elementsAreCountedAtNAndNPlusOne() throws {
        let limits = JSONParser.Limits(maxElements: 5, maxStringBytes: 100)
        _ = try JSONParser.parse(Array("[1,2,3,4]".utf8), limits: limits)  // the array and 4 numbers
        _ = try JSONParser.parse(Array(#"{"a":{"b":[null]}}"#.utf8), limits: JSONParser.Limits(maxElements: 4))
        do {
            _ = try JSONParser.parse(Array("[1,2,3,4,5]".utf8), limits: limits)
            Issue.record("6 values > 5")
        } catch {
            #expect(error.budgetExceeded)
        }
    }

    @Test func stringBytesAreCountedAtNAndNPlusOneNamesAndEscapesIncluded() throws {
        let limits = JSONParser.Limits(maxElements: 100, maxStringBytes: 5)
        _ = try JSONParser.parse(Array(#""abcde""#.utf8), limits: limits)
        _ = try JSONParser.parse(Array(#"{"ab":"cde"}"#.utf8), limits: limits)
        _ = try JSONParser.parse(Array(#"["a\nbc"]"#.utf8), limits: limits)
        for text in [#""abcdef""#, #"{"ab":"cdef"}"#, #"["a\nbcd"]"#, #"["abc","def"]"#] {
            do {
                _ = try JSONParser.parse(Array(text.utf8), limits: limits)
                Issue.record("\(text) must exceed 5 string bytes")
            } catch {
                #expect(error.budgetExceeded)
            }
        }
        // A huge string is refused as soon as it passes the budget, not after it was built.
        let huge = Array(("\"" + String(repeating: "x", count: 1 << 20)).utf8)
        do {
            _ = try JSONParser.parse(huge, limits: limits)
            Issue.record("must fail")
        } catch {
            #expect(error.budgetExceeded)
            #expect(error.offset < 10)
        }
    }

    @Test func aBodyOverTheBudgetIsPayloadTooLarge() {
        let parser = RequestParser(requiresData: false, jsonLimits: JSONParser.Limits(maxElements: 2))
        do {
            _ = try parser.parse(Array(#"{"strategy":{"name":"dual_sma"}}"#.utf8))
            Issue.record("3 values > 2")
        } catch {
            #expect(error.code == "payload_too_large")
        }
    }

    @Test func syntaxErrorsAreNotBudgetErrors() {
        do {
            _ = try JSONParser.parse(Array("[1,".utf8), limits: JSONParser.Limits(maxElements: 100))
            Issue.record("must fail")
        } catch {
            #expect(!error.budgetExceeded)
        }
    }
}
