/// The names a grid may vary: strategy parameters, then risk and execution fields by their
/// request paths. Variant keys list them in this order.
public enum GridParameter: String, Sendable, CaseIterable, Comparable {
    case delayBars = "delay_bars"
    case fast
    case slow
    case thresholdBp = "threshold_bp"
    case feeBps = "execution.fee_bps"
    case slippageBps = "execution.slippage_bps"
    case fraction = "risk.params.fraction"
    case stopLossPct = "risk.stop_loss_pct"
    case takeProfitPct = "risk.take_profit_pct"

    /// Strategy parameters first (by name), then the dotted risk and execution paths (by name):
    /// `fast=10,slow=50,risk.stop_loss_pct=2`.
    public static func < (lhs: GridParameter, rhs: GridParameter) -> Bool {
        if lhs.isStrategy != rhs.isStrategy { return lhs.isStrategy }
        return lhs.rawValue < rhs.rawValue
    }

    /// A `strategy.params` member (the others are risk and execution settings).
    public var isStrategy: Bool { !rawValue.contains(".") }
    var isInteger: Bool { self == .fast || self == .slow || self == .delayBars }
    /// Stops may be disabled per variant: `null` (stored as NaN in an axis) is a value of the axis.
    public var allowsNull: Bool { self == .stopLossPct || self == .takeProfitPct }
}

/// A cartesian grid over strategy parameters and risk and execution values (ENGINE.md, "Grid").
public struct ParameterGrid: Sendable {
    /// One axis: explicit values in the order given (NaN: `null`, a disabled stop).
    public struct Axis: Sendable {
        public let parameter: GridParameter
        public let values: [Double]
        public init(parameter: GridParameter, values: [Double]) {
            self.parameter = parameter
            self.values = values
        }
    }

    /// Axes in `GridParameter` order.
    public let axes: [Axis]
    public let base: DualSMAParameters
    /// The run's settings: the values of the risk and execution fields no axis varies.
    public let settings: BacktestSettings

    public init(base: DualSMAParameters, settings: BacktestSettings = BacktestSettings(), axes: [Axis]) {
        self.base = base
        self.settings = settings
        self.axes = axes.sorted { $0.parameter < $1.parameter }
    }

    /// `start + i·step` for integer `i` while ≤ `stop` (no accumulated drift); empty when the
    /// range is empty or would hold more than `limit` values (see `rangeCount`).
    public static func rangeValues(start: Double, stop: Double, step: Double, limit: Int = 100_000) -> [Double] {
        guard let count = rangeCount(start: start, stop: stop, step: step), count <= limit else { return [] }
        return (0..<count).map { start + Double($0) * step }
    }

    /// How many values `rangeValues` gives, computed in floating point and converted only when it
    /// fits: nil for a non-finite bound or step, a step that is not positive, or a count beyond
    /// `Int` (a tiny step over a wide span must never trap).
    public static func rangeCount(start: Double, stop: Double, step: Double) -> Int? {
        guard start.isFinite, stop.isFinite, step.isFinite else { return nil }
        if stop == start { return 1 }
        guard step > 0, stop > start else { return stop < start ? 0 : nil }
        let steps = ((stop - start) / step * (1 + 1e-12)).rounded(.down)
        // 2^62 keeps `steps + 1` and any later product check far from the edge of `Int`.
        guard steps.isFinite, steps >= 0, steps < 0x1p62 else { return nil }
        return Int(steps) + 1
    }

    /// The size of the cartesian product, before constraints; nil when it does not fit in `Int`.
    public var exactCombinationCount: Int? {
        var product = 1
        for axis in axes {
            let (result, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
            if overflow { return nil }
            product = result
        }
        return product
    }

    /// The size of the cartesian product, before constraints (saturating at `Int.max`).
    public var combinationCount: Int { exactCombinationCount ?? .max }

    /// Combination `index` (last axis varies fastest).
    public func variant(at index: Int) -> GridVariant {
        var variant = GridVariant(parameters: base, settings: settings)
        var rest = index
        for axis in axes.reversed() {
            variant.set(axis.parameter, axis.values[rest % axis.values.count])
            rest /= axis.values.count
        }
        return variant
    }

    /// Strategy parameters of combination `index`.
    public func parameters(at index: Int) -> DualSMAParameters { variant(at: index).parameters }

    /// The position of combination `index` along axis number `axis`.
    public func coordinate(of index: Int, axis: Int) -> Int {
        var stride = 1
        for later in axes[(axis + 1)...] { stride = stride.saturatingMultiplied(by: later.values.count) }
        return index / stride % axes[axis].values.count
    }

    /// How many combinations satisfy `fast < slow`, without materializing them (saturating at
    /// `Int.max`: a caller compares it with a limit, it never traps).
    public var validCount: Int {
        let fasts = axes.first { $0.parameter == .fast }?.values ?? [Double(base.fast)]
        let slows = (axes.first { $0.parameter == .slow }?.values ?? [Double(base.slow)]).sorted()
        var pairs = 0
        for fast in fasts {
            // Slow values strictly above `fast`: binary search in the sorted slows.
            var low = 0
            var high = slows.count
            while low < high {
                let middle = low + (high - low) / 2
                if slows[middle] <= fast { low = middle + 1 } else { high = middle }
            }
            pairs = pairs.saturatingAdding(slows.count - low)
        }
        return axes.filter { $0.parameter != .fast && $0.parameter != .slow }.reduce(pairs) {
            $0.saturatingMultiplied(by: $1.values.count)
        }
    }

    /// Expands the grid; combinations with `fast >= slow` are skipped and counted. Callers check
    /// `exactCombinationCount` against their limit first: expansion is linear in it.
    public func expand() -> (variants: [GridVariant], combinationIndex: [Int], skipped: Int) {
        var variants: [GridVariant] = []
        var indices: [Int] = []
        let total = combinationCount
        variants.reserveCapacity(min(total, validCount))
        for index in 0..<total {
            let variant = variant(at: index)
            if variant.parameters.fast < variant.parameters.slow {
                variants.append(variant)
                indices.append(index)
            }
        }
        return (variants, indices, total - variants.count)
    }

    /// `name=value` for the grid's axes in `GridParameter` order (fast and slow without a grid);
    /// a disabled stop is `null`.
    public func variantKey(_ variant: GridVariant) -> String {
        let names = axes.isEmpty ? [GridParameter.fast, .slow] : axes.map(\.parameter)
        return names.map { name in
            let text =
                switch name {
                case .fast: String(variant.parameters.fast)
                case .slow: String(variant.parameters.slow)
                case .delayBars: String(variant.parameters.delayBars)
                default: variant.value(name).map(Self.format) ?? "null"
                }
            return "\(name.rawValue)=\(text)"
        }.joined(separator: ",")
    }

    /// The key of strategy parameters alone (the risk and execution values of the run).
    public func variantKey(_ parameters: DualSMAParameters) -> String {
        variantKey(GridVariant(parameters: parameters, settings: settings))
    }

    /// Integers without a decimal point, other values in their shortest round-trip form.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
