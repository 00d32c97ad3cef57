/// How far a grid run is.
public struct GridProgress: Sendable, Equatable {
    /// Bar-variants evaluated, of `total`.
    public let done: Int
    public let total: Int
    /// Bars of the series the current chunk of variants has passed: for a run of one variant,
    /// how far it is through the data (the bar timestamp reached is `timestamps[barsReached - 1]`).
    public let barsReached: Int

    public init(done: Int, total: Int, barsReached: Int) {
        self.done = done
        self.total = total
        self.barsReached = barsReached
    }
}
