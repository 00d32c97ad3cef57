import Catalog

/// Who is asking, as the service sees it: the owner of what they create and what they may read.
/// The API layer derives it from the key or session (or `local` in single-user mode).
public struct Caller: Sendable, Equatable {
    /// The owner of the bundled samples: every caller reads and backtests them, none owns them.
    public static let publicOwner = "public"
    /// The one owner of single-user mode.
    public static let local = Caller(owner: "local")

    public let owner: String
    /// Administrators read every owner's runs and datasets (`readOwner` narrows that to one owner).
    public let readsEveryOwner: Bool
    public let readOwner: String?

    public init(owner: String, readsEveryOwner: Bool = false, readOwner: String? = nil) {
        self.owner = owner
        self.readsEveryOwner = readsEveryOwner
        self.readOwner = readOwner
    }

    /// Runs this caller may read; writes (cancel, delete) always stay with the caller's own.
    var readableRuns: OwnerScope {
        guard readsEveryOwner else { return .only(owner) }
        return readOwner.map { .only($0) } ?? .any
    }

    /// Datasets this caller may list and read.
    var readableDatasets: OwnerScope {
        guard readsEveryOwner else { return usableDatasets }
        return readOwner.map { .only($0) } ?? .any
    }

    /// Datasets a backtest of this caller may use: its own and the public samples (an
    /// administrator's runs too: reading everything does not mean backtesting on others' data).
    var usableDatasets: OwnerScope { .owners([owner, Self.publicOwner]) }
}

/// What `POST /backtests` must pass before a new run is stored (a replay of an existing run passes
/// without either): the owner's concurrency quota and an admission check run inside the insert's
/// transaction (the rate limit), so a refusal stores nothing and a replay spends nothing.
public struct Admission: Sendable {
    public var maxActiveRuns: Int?
    public var admit: @Sendable () -> Bool

    public init(maxActiveRuns: Int? = nil, admit: @escaping @Sendable () -> Bool = { true }) {
        self.maxActiveRuns = maxActiveRuns
        self.admit = admit
    }

    public static let unlimited = Admission()
}
