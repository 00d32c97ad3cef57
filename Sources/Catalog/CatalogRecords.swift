/// Run states (`QUEUED → RUNNING → DONE | ERROR | CANCELLED`).
public enum RunStatus: String, Sendable, CaseIterable {
    case queued = "QUEUED", running = "RUNNING", done = "DONE", error = "ERROR", cancelled = "CANCELLED"

    public var isFinished: Bool { self == .done || self == .error || self == .cancelled }
}

/// A run row. JSON columns are kept as text: the catalog does not interpret them.
public struct RunRecord: Sendable, Equatable {
    public let id: String
    public let owner: String
    public let status: RunStatus
    public let inputHash: String
    public let idempotencyKey: String?
    public let request: String
    public let datasetID: String
    public let variants: Int
    public let engineVersion: String
    public let createdAt: String
    public let startedAt: String?
    public let finishedAt: String?
    public let progressDone: Int
    public let progressTotal: Int
    public let error: String?
    public let grid: String?
    public let best: String?
    /// How many times a worker claimed it (a re-queue after a crash keeps the count).
    public let attempts: Int
    /// SHA-256 of the preset config it was submitted from (saved mode), else nil.
    public let specHash: String?
}

/// What a new run is made of.
public struct NewRun: Sendable {
    public let id: String
    public let owner: String
    public let inputHash: String
    public let idempotencyKey: String?
    public let request: String
    public let datasetID: String
    public let variants: Int
    public let engineVersion: String
    public let createdAt: String
    /// The `stage` event data written with the run.
    public let queuedEventData: String
    public let specHash: String?

    public init(
        id: String, owner: String, inputHash: String, idempotencyKey: String?, request: String, datasetID: String,
        variants: Int, engineVersion: String, createdAt: String, queuedEventData: String, specHash: String? = nil
    ) {
        self.specHash = specHash
        self.id = id
        self.owner = owner
        self.inputHash = inputHash
        self.idempotencyKey = idempotencyKey
        self.request = request
        self.datasetID = datasetID
        self.variants = variants
        self.engineVersion = engineVersion
        self.createdAt = createdAt
        self.queuedEventData = queuedEventData
    }
}

/// How an insert ended; the unique constraints decide, not a check-then-insert race.
public enum InsertOutcome: Sendable, Equatable {
    case created(RunRecord, EventRecord)
    /// The same input (or the same key with the same input) already has this run.
    case existing(RunRecord)
    /// The key is taken by a run with different input.
    case keyReused(RunRecord)
    case queueFull(queued: Int)
    /// The owner already has `active` runs QUEUED or RUNNING, its quota.
    case quotaFull(active: Int)
    /// The caller's admission check (a rate limit) said no; nothing was stored.
    case notAdmitted
}

/// One persisted event of a run; `seq` counts from 0.
public struct EventRecord: Sendable, Equatable {
    public let runID: String
    public let seq: Int
    public let type: String
    public let timestamp: String
    public let data: String

    public init(runID: String, seq: Int, type: String, timestamp: String, data: String) {
        self.runID = runID
        self.seq = seq
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }
}

/// One ranked result row.
public struct ResultRow: Sendable, Equatable {
    public let rank: Int
    public let variantKey: String
    public let body: String

    public init(rank: Int, variantKey: String, body: String) {
        self.rank = rank
        self.variantKey = variantKey
        self.body = body
    }
}

/// A stored dataset (bars are fetched separately).
public struct DatasetRecord: Sendable, Equatable {
    public let id: String
    public let owner: String
    public let symbol: String
    public let timeframe: String
    public let rows: Int
    public let firstMilliseconds: Int64
    public let lastMilliseconds: Int64
    public let sha256: String
    public let createdAt: String

    public init(
        id: String, owner: String, symbol: String, timeframe: String, rows: Int, firstMilliseconds: Int64,
        lastMilliseconds: Int64, sha256: String, createdAt: String
    ) {
        self.id = id
        self.owner = owner
        self.symbol = symbol
        self.timeframe = timeframe
        self.rows = rows
        self.firstMilliseconds = firstMilliseconds
        self.lastMilliseconds = lastMilliseconds
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}
