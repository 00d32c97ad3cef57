/// How a walk-forward analysis cuts a series into train and test slices.
///
/// Window `k` tests bars `train_bars + k·step_bars ..< that + test_bars`; it trains on the
/// `train_bars` bars before them (rolling) or on every bar before them (anchored). Only whole
/// windows are used; test slices never overlap (`step_bars ≥ test_bars`), so they stitch into
/// one out-of-sample curve.
public struct WalkForwardConfiguration: Sendable, Hashable {
    public var trainBars: Int
    public var testBars: Int
    public var stepBars: Int
    public var anchored: Bool

    /// The most windows one analysis may cut (each ranks the whole grid once).
    public static let maxWindows = 1000

    public init(trainBars: Int, testBars: Int, stepBars: Int? = nil, anchored: Bool = false) {
        self.trainBars = trainBars
        self.testBars = testBars
        self.stepBars = stepBars ?? testBars
        self.anchored = anchored
    }

    /// The windows over `bars` bars, or the problems (paths are the configuration's field names:
    /// `train_bars`, `test_bars`, `step_bars`). All arithmetic is checked: any numbers give an answer.
    public func windows(bars: Int) -> Result<[WalkForwardWindow], EngineError> {
        var problems: [EngineError.Problem] = []
        if trainBars < 2 { problems.append(.init(path: "train_bars", message: "must be at least 2")) }
        if testBars < 1 { problems.append(.init(path: "test_bars", message: "must be at least 1")) }
        if stepBars < testBars {
            problems.append(
                .init(
                    path: "step_bars", message: "must be at least test_bars (\(testBars)): test slices may not overlap")
            )
        }
        guard problems.isEmpty else { return .failure(Self.invalid(problems.sorted { $0.path < $1.path })) }
        let (first, overflow) = trainBars.addingReportingOverflow(testBars)
        guard !overflow, first <= bars else {
            return .failure(
                Self.invalid([
                    .init(
                        path: "train_bars",
                        message:
                            "train_bars + test_bars (\(overflow ? "more than \(Int.max)" : String(first))) is more than the \(bars) bars of the data"
                    )
                ]))
        }
        // `first ≤ bars` and `stepBars ≥ 1`, so neither the count nor any bound below can overflow.
        let count = (bars - first) / stepBars + 1
        guard count <= Self.maxWindows else {
            return .failure(
                Self.invalid([
                    .init(
                        path: "step_bars",
                        message: "gives \(count) windows over \(bars) bars, more than the limit of \(Self.maxWindows)")
                ]))
        }
        return .success(
            (0..<count).map { k in
                let testStart = trainBars + k * stepBars
                return WalkForwardWindow(
                    index: k, train: (anchored ? 0 : testStart - trainBars)..<testStart,
                    test: testStart..<(testStart + testBars))
            })
    }

    private static func invalid(_ problems: [EngineError.Problem]) -> EngineError {
        EngineError(
            code: "engine.invalid_walk_forward", message: "the walk-forward windows do not fit", problems: problems)
    }
}

/// One train/test pair, in bar indices of the analysed series.
public struct WalkForwardWindow: Sendable, Equatable {
    public let index: Int
    public let train: Range<Int>
    public let test: Range<Int>

    public init(index: Int, train: Range<Int>, test: Range<Int>) {
        self.index = index
        self.train = train
        self.test = test
    }

    /// Bars before the test slice that warm up a variant's indicators: its slow window, or as
    /// many bars as there are (what a single run with `from` moved back by that window sees).
    public func warmup(for parameters: DualSMAParameters) -> Int {
        min(max(parameters.fast, parameters.slow), test.lowerBound)
    }
}
