import BacktestEngine

/// Turns a `POST /backtests` body into a `BacktestRequest`: strict validation (every problem,
/// sorted), defaults applied, and the normalized form the input hash is computed from.
public struct RequestParser: Sendable {
    /// The most grid combinations a request may ask for (checked before any work).
    public var maxGridVariants: Int
    /// The most entries of `datasets` or `symbols`.
    public var maxDatasets: Int
    /// Whether the data selection is required (the offline CLI supplies its own data).
    public var requiresData: Bool
    /// The JSON budget of a client's body (stored requests are parsed without one).
    public var jsonLimits: JSONParser.Limits

    public static let timeframes = Timeframe.allCases.map(\.rawValue)
    /// The largest `warmup_bars` the parser takes (the data decides the real bound).
    public static let maxWarmupBars = 1_000_000_000
    /// The largest `min_trades`.
    public static let maxMinTrades = 1_000_000
    /// The most values one grid axis may list or a range may produce.
    public static let maxAxisValues = 100_000

    public init(
        maxGridVariants: Int = 1_000_000, requiresData: Bool = true, jsonLimits: JSONParser.Limits = .init(),
        maxDatasets: Int = 10
    ) {
        self.maxGridVariants = maxGridVariants
        self.maxDatasets = maxDatasets
        self.requiresData = requiresData
        self.jsonLimits = jsonLimits
    }

    public func parse(_ body: [UInt8]) throws(ServiceError) -> BacktestRequest {
        try parse(try json(body))
    }

    /// The body as JSON within the budget: 413 past it, 400 when it is not JSON.
    public func json(_ body: [UInt8]) throws(ServiceError) -> JSONValue {
        do { return try JSONParser.parse(body, limits: jsonLimits) } catch {
            if error.budgetExceeded {
                throw ServiceError(code: "payload_too_large", message: "the JSON body has \(error)")
            }
            throw ServiceError.badRequest("malformed JSON: \(error)")
        }
    }

    public func parse(_ json: JSONValue) throws(ServiceError) -> BacktestRequest {
        guard json.objectMembers != nil else { throw ServiceError.badRequest("the body must be a JSON object") }
        var problems: [ServiceError.Detail] = []
        var root = ObjectReader(json, path: "", problems: &problems)

        let (datasetItems, datasetsJSON) = readDatasets(&root, problems: &problems)
        let multi = root.raw("datasets") != nil || root.raw("symbols") != nil
        let data = multi ? DataPart() : readData(&root)

        var strategy = ObjectReader(root.raw("strategy"), path: "strategy", problems: &problems)
        if root.raw("strategy") == nil { problems.append(.init(path: "strategy", message: "is required")) }
        let name = strategy.string("name")
        if root.raw("strategy") != nil && name == nil { strategy.fail("name", "is required") }
        if let name, name != "dual_sma" { strategy.fail("name", "must be dual_sma") }
        var params = ObjectReader(strategy.raw("params"), path: "strategy.params", problems: &problems)
        var parameters = DualSMAParameters(
            fast: params.integer("fast", default: 20, 1...1_000_000),
            slow: params.integer("slow", default: 50, 2...1_000_000),
            thresholdBp: params.number("threshold_bp", default: 0, 0...10_000),
            delayBars: params.integer("delay_bars", default: 0, 0...100_000),
            longOnly: params.bool("long_only", default: true))

        let axes = readGrid(root.raw("grid"), problems: &problems)
        let gridNames = Set(axes.map(\.parameter))
        if axes.isEmpty && parameters.fast >= parameters.slow {
            params.fail("fast", "must be less than slow (\(parameters.slow))")
        }
        var settings = readSettings(&root, problems: &problems)
        // Checked against the selected bars at submission (`warmup_bars` < bars).
        settings.warmupBars = root.integer("warmup_bars", default: 0, 0...Self.maxWarmupBars)
        let validation = readValidation(root.raw("validation"), problems: &problems)
        let topK = root.integer("top_k", default: 10, 1...1000)
        let topTradesN = root.integer("top_trades_n", default: 0, 0...1000)
        if topTradesN > topK { root.fail("top_trades_n", "must be at most top_k (\(topK))") }
        let ranking = Ranking(
            objective: RankObjective(
                rawValue: root.choice(
                    "rank_by", default: RankObjective.totalReturnPct.rawValue, RankObjective.allCases.map(\.rawValue)))
                ?? .totalReturnPct,
            minTrades: root.integer("min_trades", default: 0, 0...Self.maxMinTrades))
        let seed = root.integer("seed", default: 42, 0...9_007_199_254_740_991)
        let (walkForward, walkForwardJSON) = readWalkForward(
            root.raw("walk_forward"), ranking: ranking, problems: &problems)
        let heatmap = readHeatmap(root.raw("heatmap"), axes: axes, problems: &problems)
        if multi {
            // Each of these looks at one series; a run over several has no single one to show.
            if walkForward != nil { root.fail("walk_forward", "not with datasets or symbols") }
            if validation != nil { root.fail("validation", "not with datasets or symbols") }
            if topTradesN > 0 { root.fail("top_trades_n", "not with datasets or symbols") }
        }
        if let problem = gridProblem(axes, base: parameters) { problems.append(problem) }
        params.finish(into: &problems)
        strategy.finish(into: &problems)
        root.finish(into: &problems)
        guard problems.isEmpty else { throw ServiceError.validation(problems) }

        // Parameters a grid sets are not part of the single-run parameters.
        var paramsJSON: [(String, JSONValue)] = []
        if !gridNames.contains(.delayBars) { paramsJSON.append(("delay_bars", .integer(parameters.delayBars))) }
        if !gridNames.contains(.fast) { paramsJSON.append(("fast", .integer(parameters.fast))) }
        paramsJSON.append(("long_only", .bool(parameters.longOnly)))
        if !gridNames.contains(.slow) { paramsJSON.append(("slow", .integer(parameters.slow))) }
        if !gridNames.contains(.thresholdBp) { paramsJSON.append(("threshold_bp", .number(parameters.thresholdBp))) }
        if gridNames.contains(.fast) { parameters.fast = 1 }
        if gridNames.contains(.slow) { parameters.slow = 2 }
        // Risk and execution values a grid sets take their defaults in the run's own settings
        // (each variant carries its own): the same grid gives the same input whatever they were.
        let defaults = BacktestSettings()
        for name in gridNames {
            switch name {
            case .feeBps: settings.execution.feeBps = defaults.execution.feeBps
            case .slippageBps: settings.execution.slippageBps = defaults.execution.slippageBps
            case .fraction: settings.risk.fraction = defaults.risk.fraction
            case .stopLossPct: settings.risk.stopLossPct = nil
            case .takeProfitPct: settings.risk.takeProfitPct = nil
            case .fast, .slow, .delayBars, .thresholdBp: break
            }
        }
        // The heatmap's axes only when they differ from the default choice.
        let heatmapJSON: [(String, JSONValue)] =
            heatmap.map { chosen in
                chosen == Self.defaultHeatmap(axes)
                    ? []
                    : [("heatmap", .object([("x", .string(chosen.x.rawValue)), ("y", .string(chosen.y.rawValue))]))]
            } ?? []

        // Only a walk-forward request names it: the input hashes of other requests stay as they were.
        let walkForwardMember: [(String, JSONValue)] = walkForward == nil ? [] : [("walk_forward", walkForwardJSON)]
        let normalized: JSONValue = .object(
            data.json + datasetsJSON + [
                ("strategy", .object([("name", "dual_sma"), ("params", .object(paramsJSON))])),
                ("grid", Self.gridJSON(axes)),
                ("execution", Self.executionJSON(settings)),
                ("risk", Self.riskJSON(settings)),
                ("validation", Self.validationJSON(validation)),
                ("year_days", .number(settings.yearDays)),
                ("top_k", .integer(topK)),
                ("seed", .integer(seed)),
            ] + Self.rankingJSON(ranking) + Self.warmupJSON(settings)
                + (topTradesN > 0 ? [("top_trades_n", .integer(topTradesN))] : []) + heatmapJSON + walkForwardMember)
        var request = BacktestRequest(
            data: data.selection, fromMilliseconds: data.fromMilliseconds, toMilliseconds: data.toMilliseconds,
            parameters: parameters, gridAxes: axes, settings: settings, validation: validation, topK: topK,
            ranking: ranking, seed: UInt64(seed), normalized: normalized)
        request.walkForward = walkForward
        request.datasets = datasetItems
        request.validation?.seed = UInt64(seed)
        request.topTradesN = topTradesN
        request.heatmap = heatmap
        return request
    }

    private func readSettings(_ root: inout ObjectReader, problems: inout [ServiceError.Detail]) -> BacktestSettings {
        var settings = BacktestSettings()
        var execution = ObjectReader(root.raw("execution"), path: "execution", problems: &problems)
        settings.execution.fillPrice =
            FillPrice(rawValue: execution.choice("fill_price", default: "close", ["close", "open_next"])) ?? .close
        settings.execution.initialCash = execution.number("initial_cash", default: 10_000, 0...1e15, open: true)
        settings.execution.feeBps = execution.number("fee_bps", default: 0, 0...1000)
        settings.execution.commissionPerShare = execution.number("commission_per_share", default: 0, 0...1e6)
        settings.execution.slippageBps = execution.number("slippage_bps", default: 0, 0...1000)
        settings.execution.borrowBps = execution.number("borrow_bps", default: 0, 0...100_000)
        execution.finish(into: &problems)
        var risk = ObjectReader(root.raw("risk"), path: "risk", problems: &problems)
        _ = risk.choice("name", default: "fixed_fraction", ["fixed_fraction"])
        var riskParams = ObjectReader(risk.raw("params"), path: "risk.params", problems: &problems)
        settings.risk.fraction = riskParams.number("fraction", default: 1, 0...100, open: true)
        settings.risk.maxLeverage = riskParams.number("max_leverage", default: 1, 0...100, open: true)
        riskParams.finish(into: &problems)
        settings.risk.stopLossPct = risk.optionalNumber("stop_loss_pct", 0...100)
        settings.risk.takeProfitPct = risk.optionalNumber("take_profit_pct", 0...1e6)
        risk.finish(into: &problems)
        settings.yearDays = root.number("year_days", default: 365, 0...366, open: true)
        return settings
    }

    private func readValidation(_ value: JSONValue?, problems: inout [ServiceError.Detail]) -> Validation.Request? {
        guard value != nil else { return nil }
        var reader = ObjectReader(value, path: "validation", problems: &problems)
        var request = Validation.Request()
        if let permutation = reader.raw("permutation") {
            var inner = ObjectReader(permutation, path: "validation.permutation", problems: &problems)
            request.permutations = inner.integer("n", default: 100, 1...10_000)
            inner.finish(into: &problems)
        }
        if let bootstrap = reader.raw("block_bootstrap") {
            var inner = ObjectReader(bootstrap, path: "validation.block_bootstrap", problems: &problems)
            request.bootstrapSamples = inner.integer("n", default: 100, 1...100_000)
            request.blockSize = inner.integer("block_size", default: 24, 1...1_000_000)
            inner.finish(into: &problems)
        }
        reader.finish(into: &problems)
        return request.permutations == nil && request.bootstrapSamples == nil ? nil : request
    }

    /// `rank_by` and `min_trades` only when they differ from the defaults, so the input hash of a
    /// request that does not use them is what it was before they existed.
    static func rankingJSON(_ ranking: Ranking) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if ranking.objective != .totalReturnPct { members.append(("rank_by", .string(ranking.objective.rawValue))) }
        if ranking.minTrades > 0 { members.append(("min_trades", .integer(ranking.minTrades))) }
        return members
    }

    /// `warmup_bars` only when set, like `rankingJSON`.
    static func warmupJSON(_ settings: BacktestSettings) -> [(String, JSONValue)] {
        settings.warmupBars > 0 ? [("warmup_bars", .integer(settings.warmupBars))] : []
    }

    static func executionJSON(_ settings: BacktestSettings) -> JSONValue {
        let e = settings.execution
        return .object([
            ("fill_price", .string(e.fillPrice.rawValue)), ("initial_cash", .number(e.initialCash)),
            ("fee_bps", .number(e.feeBps)),
            ("commission_per_share", .number(e.commissionPerShare)), ("slippage_bps", .number(e.slippageBps)),
            ("borrow_bps", .number(e.borrowBps)),
        ])
    }

    static func riskJSON(_ settings: BacktestSettings) -> JSONValue {
        let r = settings.risk
        return .object([
            ("name", "fixed_fraction"),
            ("params", .object([("fraction", .number(r.fraction)), ("max_leverage", .number(r.maxLeverage))])),
            ("stop_loss_pct", .number(r.stopLossPct)), ("take_profit_pct", .number(r.takeProfitPct)),
        ])
    }

    static func validationJSON(_ request: Validation.Request?) -> JSONValue {
        guard let request else { return .null }
        return .object([
            ("permutation", request.permutations.map { .object([("n", .integer($0))]) } ?? .null),
            (
                "block_bootstrap",
                request.bootstrapSamples.map {
                    .object([("n", .integer($0)), ("block_size", .integer(request.blockSize))])
                }
                    ?? .null
            ),
        ])
    }
}
