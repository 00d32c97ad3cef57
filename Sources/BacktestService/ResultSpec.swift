import BacktestEngine

/// A result row's `spec`: the complete single-run request for that variant — the run's own dataset
/// by id (a newer upload under the same symbol cannot change it), its window, every parameter and
/// every default explicit, no grid — which, posted as it is, reproduces the row's metrics.
enum ResultSpec {
    private static let parser = RequestParser(
        maxGridVariants: 1, requiresData: true, jsonLimits: .unlimited, maxDatasets: .max)

    /// `settings`: the run's with the variant's risk and execution values (a grid may vary them).
    static func make(
        _ parameters: DualSMAParameters, settings: BacktestSettings, normalized: JSONValue, datasetID: String
    ) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let many = normalized["datasets"] ?? normalized["symbols"] {
            // A run over several datasets: the same list (by id, so newer uploads cannot change it).
            let ids = datasetID.split(separator: ",").map { JSONValue.string(String($0)) }
            members.append(normalized["datasets"] != nil ? ("datasets", .array(ids)) : ("symbols", many))
        } else {
            members.append(("dataset_id", .string(datasetID)))
            for key in ["from", "to"] {
                if let bound = normalized[key], !bound.isNull { members.append((key, bound)) }
            }
        }
        members.append(
            (
                "strategy",
                .object([
                    ("name", "dual_sma"),
                    (
                        "params",
                        .object([
                            ("delay_bars", .integer(parameters.delayBars)), ("fast", .integer(parameters.fast)),
                            ("long_only", .bool(parameters.longOnly)), ("slow", .integer(parameters.slow)),
                            ("threshold_bp", .number(parameters.thresholdBp)),
                        ])
                    ),
                ])
            ))
        members.append(("execution", RequestParser.executionJSON(settings)))
        members.append(("risk", RequestParser.riskJSON(settings)))
        for key in ["validation", "year_days", "warmup_bars", "top_k", "seed"] {
            if let value = normalized[key] { members.append((key, value)) }
        }
        // Through the parser: the spec is in normalized form exactly like a submitted request's.
        return (try? parser.parse(.object(members)).normalized) ?? .object(members)
    }
}
