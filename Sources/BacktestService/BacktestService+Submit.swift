import BacktestEngine
import Catalog
import Foundation
import Logging

/// `POST /backtests`: validation, the work and queue checks, hashing and the idempotent insert.
extension BacktestService {
    /// What `POST /backtests` answers.
    public enum Submission: Sendable {
        case created(JSONValue, runID: String)
        case existing(JSONValue, runID: String)
    }

    /// Validates, hashes and inserts (committed before returning); never runs engine work.
    public func submit(
        body: [UInt8], idempotencyKey: String?, caller: Caller = .local, admission: Admission = .unlimited
    ) throws(ServiceError) -> Submission {
        if let key = idempotencyKey, key.isEmpty || key.count > 255 || !key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) {
            throw ServiceError.validation([
                .init(path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters")
            ])
        }
        let (json, specHash) = try resolveSavedMode(try parser.json(body), caller: caller)
        let request = try parser.parse(json)
        let datasetID: String
        let datasetSHA256: String
        let variants = request.gridAxes.isEmpty ? 1 : request.grid.validCount
        if let items = request.datasets {
            // Several datasets: the run names them all, and the hash covers every content hash in order.
            let resolved = try resolveDatasets(items, caller)
            for (index, (_, bars)) in resolved.enumerated() {
                try checkWindows(
                    request, bars: bars,
                    entry: "\(request.normalized["datasets"] == nil ? "symbols" : "datasets").\(index)")
            }
            datasetID = resolved.map(\.0.id).joined(separator: ",")
            datasetSHA256 = resolved.map(\.0.sha256).joined(separator: ",")
        } else {
            let dataset = try resolveDataset(request, caller)
            var bars = dataset.rows
            if request.isWindowed {
                bars = try barCount(datasetID: dataset.id, from: request.fromMilliseconds, to: request.toMilliseconds)
            }
            try checkWindows(request, bars: bars)
            try Self.checkWalkForward(request, bars: bars)
            try checkValidationWork(request, variants: variants, bars: bars)
            datasetID = dataset.id
            datasetSHA256 = dataset.sha256
        }
        let hash = InputHash.compute(normalized: request.normalized, datasetSHA256: datasetSHA256)
        let newRun = NewRun(
            id: Identifiers.make(prefix: "run_"), owner: caller.owner, inputHash: hash,
            idempotencyKey: idempotencyKey,
            request: JSONWriter.compact(request.normalized), datasetID: datasetID, variants: variants,
            engineVersion: InputHash.engineVersion, createdAt: Identifiers.now(),
            queuedEventData: #"{"status":"QUEUED"}"#, specHash: specHash)
        let outcome: InsertOutcome
        do {
            outcome = try catalog.insertRun(
                newRun, queueCapacity: configuration.queueCapacity, maxActive: admission.maxActiveRuns,
                admit: admission.admit)
        } catch {
            metrics.catalogErrors.increment()
            logger.error("run not stored", metadata: ["run_id": .string(newRun.id), "error": .string("\(error)")])
            throw ServiceError.catalogRefused(error, "the run")
        }
        switch outcome {
        case .created(let run, let event):
            hub.publish(event)
            executor.log(run, "run submitted", status: "QUEUED")
            pool.wake()
            return .created(
                .object(
                    [
                        ("run_id", .string(run.id)), ("status", "QUEUED"), ("input_hash", .string(hash)),
                        ("variants", .integer(variants)),
                    ] + ReproducibilityHashes(normalized: request.normalized, specHash: specHash).members),
                runID: run.id)
        case .existing(let run):
            executor.log(run, "duplicate submission", status: "EXISTS")
            return .existing(
                .object(
                    [
                        ("run_id", .string(run.id)), ("status", "EXISTS"),
                        ("run_status", .string(run.status.rawValue)), ("input_hash", .string(run.inputHash)),
                    ] + Self.hashes(run).members), runID: run.id)
        case .keyReused(let run):
            throw ServiceError(
                code: "idempotency_key_reused",
                message: "Idempotency-Key \(idempotencyKey ?? "") was used for run \(run.id) with different input")
        case .queueFull(let queued):
            throw ServiceError(
                code: "queue_full", message: "\(queued) runs are queued; try again later", retryAfterSeconds: 5)
        case .quotaFull(let active):
            throw ServiceError(
                code: "rate_limited",
                message:
                    "the concurrency quota is reached: \(active) runs of this owner are queued or running; wait for one to finish",
                retryAfterSeconds: 5)
        case .notAdmitted:
            throw ServiceError(code: "rate_limited", message: "the rate limit of POST /backtests is reached")
        }
    }

    /// The reproducibility hashes of a stored run (from its normalized request).
    static func hashes(_ run: RunRecord) -> ReproducibilityHashes {
        ReproducibilityHashes(
            normalized: (try? JSONParser.parse(run.request)) ?? .null, specHash: run.specHash,
            engineVersion: run.engineVersion)
    }

    private func resolveDataset(_ request: BacktestRequest, _ caller: Caller) throws(ServiceError) -> DatasetRecord {
        switch request.data {
        case .dataset(let id)?:
            do { return try datasets.record(id: id, scope: caller.usableDatasets) } catch {
                throw ServiceError.validation([.init(path: "dataset_id", message: "no dataset \(id)")])
            }
        case .symbol(let symbol, let timeframe)?:
            guard let found = try datasets.newest(symbol: symbol, timeframe: timeframe, scope: caller.usableDatasets)
            else {
                throw ServiceError.validation([.init(path: "symbol", message: "no dataset for \(symbol) \(timeframe)")])
            }
            return found
        case nil:
            throw ServiceError.validation([
                .init(path: "dataset_id", message: "give dataset_id or symbol and timeframe")
            ])
        }
    }

    /// The validation stage re-runs each of the top variants once per permutation and bootstrap
    /// sample: refused up front when that exceeds the budget, rather than occupying a worker for hours.
    private func checkValidationWork(_ request: BacktestRequest, variants: Int, bars: Int) throws(ServiceError) {
        guard let validation = request.validation else { return }
        let work = Validation.work(validation, variants: min(request.topK, variants), bars: bars)
        guard work > configuration.maxValidationWork else { return }
        throw ServiceError.validation([
            .init(
                path: "validation",
                message:
                    "costs \(work == .max ? "more than \(Int.max)" : String(work)) bar evaluations (top_k × (permutations + bootstrap samples) × bars), more than the limit of \(configuration.maxValidationWork)"
            )
        ])
    }

    /// `slow ≤ n`, `delay_bars < n` and `warmup_bars < n` on the selected bars (ENGINE.md: `1 ≤ fast < slow ≤ n`).
    /// `entry`: the `datasets`/`symbols` entry the bars are of (named in the messages).
    private func checkWindows(_ request: BacktestRequest, bars: Int, entry: String? = nil) throws(ServiceError) {
        guard bars >= 2 else {
            throw ServiceError.validation([
                .init(path: entry ?? "from", message: "selects fewer than 2 bars")
            ])
        }
        var largest = request.parameters.slow
        var path = "strategy.params.slow"
        if let axis = request.gridAxes.first(where: { $0.parameter == .slow }), let top = axis.values.last {
            largest = Int(top)
            path = "grid.slow"
        }
        if largest > bars {
            throw ServiceError.validation([
                .init(
                    path: path, message: "must be at most the \(bars) bars selected\(entry.map { " by \($0)" } ?? "")")
            ])
        }
        if request.settings.warmupBars >= bars {
            throw ServiceError.validation([
                .init(
                    path: "warmup_bars",
                    message: "must be less than the \(bars) bars selected\(entry.map { " by \($0)" } ?? "")")
            ])
        }
    }
}
