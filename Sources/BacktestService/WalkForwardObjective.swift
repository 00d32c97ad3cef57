import BacktestEngine

/// The metrics a walk-forward window may be ranked by: larger first, except the drawdown
/// (smaller first); a missing value ranks last; ties by `variant_key`.
enum WalkForwardObjective {
    static let names = [
        "total_return_pct", "sharpe_ratio", "sortino_ratio", "calmar_ratio", "profit_factor", "max_drawdown_pct",
        "cagr_pct",
    ]

    static func order(_ name: String) -> VariantOrder {
        if name == VariantOrder.totalReturn.name { return .totalReturn }
        let ascending = name == "max_drawdown_pct"
        let value: @Sendable (VariantMetrics) -> Double? = { m in
            switch name {
            case "sharpe_ratio": m.sharpeRatio
            case "sortino_ratio": m.sortinoRatio
            case "calmar_ratio": m.calmarRatio
            case "profit_factor": m.profitFactor
            case "max_drawdown_pct": m.maxDrawdownPct
            case "cagr_pct": m.cagrPct
            default: m.totalReturnPct
            }
        }
        return VariantOrder(name: name) { a, b in
            let x = value(a.metrics).flatMap { $0.isNaN ? nil : $0 }
            let y = value(b.metrics).flatMap { $0.isNaN ? nil : $0 }
            switch (x, y) {
            case (let x?, let y?) where x != y: return ascending ? x < y : x > y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.variantKey < b.variantKey
            }
        }
    }
}
