/// The parameter names a grid may vary, in the order variant keys list them.
public enum GridParameter: String, Sendable, CaseIterable, Comparable {
    case delayBars = "delay_bars"
    case fast
    case slow
    case thresholdBp = "threshold_bp"

    public static func < (lhs: GridParameter, rhs: GridParameter) -> Bool { lhs.rawValue < rhs.rawValue }

    var isInteger: Bool { self != .thresholdBp }
}

/// A cartesian grid over strategy parameters (ENGINE.md, "Grid").
public struct ParameterGrid: Sendable {
    /// One axis: explicit values in the order given.
    public struct Axis: Sendable {
        public let parameter: GridParameter
        public let values: [Double]
        public init(parameter: GridParameter, values: [Double]) {
            self.parameter = parameter
            self.values = values
        }
    }

    /// Axes sorted by parameter name.
    public let axes: [Axis]
    public let base: DualSMAParameters

    public init(base: DualSMAParameters, axes: [Axis]) {
        self.base = base
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

    /// Parameters of combination `index` (last axis varies fastest).
    public func parameters(at index: Int) -> DualSMAParameters {
        var parameters = base
        var rest = index
        for axis in axes.reversed() {
            let value = axis.values[rest % axis.values.count]
            rest /= axis.values.count
            switch axis.parameter {
            case .fast: parameters.fast = Int(value)
            case .slow: parameters.slow = Int(value)
            case .delayBars: parameters.delayBars = Int(value)
            case .thresholdBp: parameters.thresholdBp = value
            }
        }
        return parameters
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
    public func expand() -> (variants: [DualSMAParameters], combinationIndex: [Int], skipped: Int) {
        var variants: [DualSMAParameters] = []
        var indices: [Int] = []
        let total = combinationCount
        variants.reserveCapacity(min(total, validCount))
        for index in 0..<total {
            let parameters = parameters(at: index)
            if parameters.fast < parameters.slow {
                variants.append(parameters)
                indices.append(index)
            }
        }
        return (variants, indices, total - variants.count)
    }

    /// `name=value` for the grid's axes in name order (fast and slow without a grid).
    public func variantKey(_ parameters: DualSMAParameters) -> String {
        let names = axes.isEmpty ? [GridParameter.fast, .slow] : axes.map(\.parameter)
        return names.map { name in
            switch name {
            case .fast: "fast=\(parameters.fast)"
            case .slow: "slow=\(parameters.slow)"
            case .delayBars: "delay_bars=\(parameters.delayBars)"
            case .thresholdBp: "threshold_bp=\(Self.format(parameters.thresholdBp))"
            }
        }.joined(separator: ",")
    }

    /// Integers without a decimal point, other values in their shortest round-trip form.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
