/// One round trip (or an open position at the end), as the trades endpoint reports it.
public struct TradeRecord: Sendable, Equatable {
    public enum Side: String, Sendable { case long, short }
    public enum ExitReason: String, Sendable { case signal, stopLoss = "stop_loss", takeProfit = "take_profit", open }

    public var side: Side
    public var entryBar: Int
    public var exitBar: Int?
    public var size: Double
    public var entryPrice: Double
    public var exitPrice: Double?
    /// Entry plus exit fees (and commissions).
    public var fees: Double
    /// Borrow charged while the short was open.
    public var borrow: Double
    /// Net of fees and borrow; an open trade is marked at the last close.
    public var pnl: Double
    /// `pnl / (size · entryPrice)`, as vectorbt defines a trade's return.
    public var returnFraction: Double
    public var exitReason: ExitReason
}

/// Receives per-bar values and trades from a simulation; `NoRecorder` compiles away.
protocol SimulationRecorder {
    static var recordsBars: Bool { get }
    mutating func bar(_ t: Int, value: Double, position: Double)
    mutating func trade(_ trade: TradeRecord)
}

struct NoRecorder: SimulationRecorder {
    static var recordsBars: Bool { false }
    @inline(__always) mutating func bar(_ t: Int, value: Double, position: Double) {}
    @inline(__always) mutating func trade(_ trade: TradeRecord) {}
}

/// Keeps every measured bar's value (from `firstBar` on) and every trade of one variant.
struct FullRecorder: SimulationRecorder {
    static var recordsBars: Bool { true }
    var firstBar = 0
    var values: [Double] = []
    var positions: [Double] = []
    var trades: [TradeRecord] = []

    mutating func bar(_ t: Int, value: Double, position: Double) {
        guard t >= firstBar else { return }
        values.append(value)
        positions.append(position)
    }

    mutating func trade(_ trade: TradeRecord) { trades.append(trade) }
}
