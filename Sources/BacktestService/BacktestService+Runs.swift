import BacktestEngine
import Catalog
import Foundation

/// Reading, cancelling and deleting runs.
extension BacktestService {
    /// The run `id` as `scope` sees it; another owner's run is missing, exactly like a missing one.
    func findRun(_ id: String, _ scope: OwnerScope) throws(ServiceError) -> RunRecord {
        let found: RunRecord?
        do { found = try catalog.run(id: id, scope: scope) } catch { throw ServiceError.internalError }
        guard let found else { throw ServiceError.notFound("run \(id)") }
        return found
    }

    /// A JSON column we wrote ourselves, passed through without re-encoding.
    static func stored(_ text: String?) -> JSONValue {
        text.map { .raw($0) } ?? .null
    }

    static func parseStored(_ text: String?) -> JSONValue {
        guard let text, let value = try? JSONParser.parse(text) else { return .null }
        return value
    }

    static func summary(_ run: RunRecord) -> JSONValue {
        let pct =
            run.progressTotal > 0 ? (10_000 * Double(run.progressDone) / Double(run.progressTotal)).rounded() / 100 : 0
        return .object([
            ("run_id", .string(run.id)), ("status", .string(run.status.rawValue)),
            ("input_hash", .string(run.inputHash)),
            ("idempotency_key", .string(run.idempotencyKey)), ("variants", .integer(run.variants)),
            ("created_at", .string(run.createdAt)), ("started_at", .string(run.startedAt)),
            ("finished_at", .string(run.finishedAt)),
            (
                "progress",
                .object([
                    ("done", .integer(run.progressDone)), ("total", .integer(run.progressTotal)), ("pct", .number(pct)),
                ])
            ),
        ])
    }

    /// One run of `GET /runs`: the summary and, once DONE, the best variant's key and total return,
    /// so that a list of runs can rank them without one request per run.
    static func listEntry(_ run: RunRecord) -> JSONValue {
        guard case .object(var members) = summary(run) else { return .null }
        let best = parseStored(run.best)
        if let key = best["variant_key"]?.string {
            members.append(
                (
                    "best",
                    .object([
                        ("variant_key", .string(key)),
                        ("total_return_pct", best["metrics"]?["total_return_pct"] ?? .null),
                    ])
                ))
        } else {
            members.append(("best", .null))
        }
        return .object(members)
    }

    /// `GET /runs/{id}`.
    public func run(id: String, caller: Caller = .local) throws(ServiceError) -> JSONValue {
        // Keyed by owner: a document is only ever served to those who may read its run.
        if !caller.readsEveryOwner, let cached = finishedDocuments.document(id, owner: caller.owner) {
            return .raw(cached)
        }
        let run = try findRun(id, caller.readableRuns)
        let document = Self.runDocument(run)
        // A finished run never changes again (until it is deleted): render it once.
        if run.status.isFinished { finishedDocuments.store(id, owner: run.owner, JSONWriter.compact(document)) }
        return document
    }

    /// The document of `GET /runs/{id}` (also the `run` of an artifact's `summary.json`).
    static func runDocument(_ run: RunRecord) -> JSONValue {
        guard case .object(var members) = summary(run) else { return .null }
        members.append(("dataset_id", .string(run.datasetID)))
        members.append(("engine_version", .string(run.engineVersion)))
        members.append(contentsOf: Self.hashes(run).members)
        members.append(("request", Self.stored(run.request)))
        members.append(("best", Self.stored(run.best)))
        members.append(("error", run.error.map { .object([("message", .string($0))]) } ?? .null))
        return .object(members)
    }

    /// `GET /runs`.
    public func listRuns(status: String?, limit: Int, offset: Int, ascending: Bool, caller: Caller = .local)
        throws(ServiceError) -> JSONValue
    {
        var runStatus: RunStatus?
        if let status {
            guard let parsed = RunStatus(rawValue: status.uppercased()) else {
                throw ServiceError.badRequest(
                    "status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            runStatus = parsed
        }
        do {
            let (runs, total) = try catalog.listRuns(
                scope: caller.readableRuns, status: runStatus, limit: limit, offset: offset, ascending: ascending)
            return .object([
                ("runs", .array(runs.map(Self.listEntry))), ("total", .integer(total)), ("limit", .integer(limit)),
                ("offset", .integer(offset)),
            ])
        } catch { throw ServiceError.internalError }
    }

    /// `GET /runs/{id}/results`: the top rows and the grid summary (with the heatmap).
    public func results(id: String, limit: Int, caller: Caller = .local) throws(ServiceError) -> JSONValue {
        let run = try findRun(id, caller.readableRuns)
        guard run.status == .done else {
            throw ServiceError(
                code: "conflict", message: "run \(id) is \(run.status.rawValue); results exist once it is DONE")
        }
        let rows: [ResultRow]
        do { rows = try catalog.results(runID: id, limit: limit) } catch { throw ServiceError.internalError }
        var members: [(String, JSONValue)] = [
            ("run_id", .string(id)), ("results", .array(rows.map { Self.stored($0.body) })),
            ("grid", Self.stored(run.grid)),
        ]
        // A walk-forward analysis is stored with the grid summary and shown as its own section.
        if let text = run.grid, text.contains("\"walk_forward\""), case .object(let grid) = Self.parseStored(text) {
            members[2] = ("grid", .object(grid.filter { $0.0 != "walk_forward" }))
            members.append(("walk_forward", grid.first { $0.0 == "walk_forward" }?.1 ?? .null))
        }
        return .object(members)
    }

    /// `DELETE /runs/{id}`: cancels if needed, then removes the run, its events and results.
    public func delete(id: String, caller: Caller = .local) async throws(ServiceError) {
        let run = try findRun(id, .only(caller.owner))
        // Running on another node: it notices the run is gone at its next event and stops.
        if run.status == .running && (!catalog.isShared || cancellations.isActive(id)) {
            cancellations.request(id, .deleted)
            // The engine checks every few milliseconds of work; give it a moment to let go.
            for _ in 0..<100 where cancellations.reason(id) != nil {
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        do { try catalog.deleteRun(id: id, owner: caller.owner) } catch { throw ServiceError.internalError }
        artifactStore.remove(id)
        finishedDocuments.remove(id)
        // Still worked on here (it had not reached a checkpoint yet, e.g. loading its dataset on a
        // loaded machine): the request stays until the work ends (`CancellationRegistry.end`),
        // or the run would go on to its end unseen.
        if !cancellations.isActive(id) { cancellations.clear(id) }
        hub.close(runID: id)
    }

    /// Stored events with `seq > after`.
    public func events(id: String, after: Int, caller: Caller = .local) throws(ServiceError) -> (
        events: [RunEvent], finished: Bool
    ) {
        let run = try findRun(id, caller.readableRuns)
        do { return (try catalog.events(runID: id, after: after).map(RunEvent.init), run.status.isFinished) } catch {
            throw ServiceError.internalError
        }
    }
}
