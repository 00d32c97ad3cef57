import Foundation

/// Requests for the multi-node tests, on the sample datasets every node imports at start: grids
/// that take a few seconds of a debug build (long enough to kill a node in the middle of one),
/// and single backtests that take milliseconds. Each is a distinct input (else it would be
/// answered `EXISTS` with another request's run).
enum NodeWorkload {
    /// A dual-SMA grid on `symbol`: fast 2…`fastStop`, slow `fastStop + 1`…`slowStop`.
    static func grid(_ symbol: String, _ timeframe: String, fastStop: Int, slowStop: Int, feeBps: Int) -> String {
        #"{"symbol":"\#(symbol)","timeframe":"\#(timeframe)","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":\#(fastStop),"step":1}},"slow":{"range":{"start":\#(fastStop + 1),"stop":\#(slowStop),"step":1}}},"execution":{"fee_bps":\#(feeBps)}}"#
    }

    /// One backtest (no grid) on `symbol`.
    static func single(_ symbol: String, _ timeframe: String, fast: Int, slow: Int, feeBps: Int) -> String {
        #"{"symbol":"\#(symbol)","timeframe":"\#(timeframe)","strategy":{"name":"dual_sma","params":{"fast":\#(fast),"slow":\#(slow)}},"execution":{"fee_bps":\#(feeBps)}}"#
    }

    /// A grid of a few seconds (the unit the node tests kill, follow and cancel in the middle of).
    static func longGrid(feeBps: Int = 1) -> String {
        grid("EURUSD", "1h", fastStop: 20, slowStop: 80, feeBps: feeBps)
    }

    /// A grid of about a second.
    static func shortGrid(feeBps: Int) -> String {
        grid("GOOG", "1d", fastStop: 12, slowStop: 60, feeBps: feeBps)
    }

    /// 20 requests: three long grids first (so every node is inside one when the test kills a
    /// node), then short grids and single runs interleaved.
    static let mixed: [String] =
        (0..<3).map { longGrid(feeBps: $0) }
        + (0..<17).map { index in
            switch index % 4 {
            case 0: return shortGrid(feeBps: index)
            case 1: return single("GOOG", "1d", fast: 5 + index, slow: 50 + index, feeBps: index % 3)
            case 2: return single("EURUSD", "1h", fast: 3 + index, slow: 40 + 2 * index, feeBps: 1)
            default: return single("BTCUSD", "1mo", fast: 2, slow: 3 + index / 4, feeBps: index)
            }
        }
}
