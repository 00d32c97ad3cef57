/// Work estimates and counts derived from a client's numbers (grid sizes × bars, passes ×
/// samples): compared with limits, so they saturate at `Int.max` instead of trapping.
extension Int {
    /// `self × other`, or `Int.max` when the product does not fit (both non-negative).
    public func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }

    /// `self + other`, or `Int.max` when the sum does not fit (both non-negative).
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
