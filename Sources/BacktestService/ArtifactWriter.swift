import BacktestEngine
import Catalog

/// Writes a finishing run's artifacts: the data files first, then (under the owner's chain lock)
/// the manifest that links to the owner's chain head, and hands back the chain link that
/// `finishRun` records together with DONE (with the files themselves when the catalog keeps
/// them). A crash anywhere before that commit leaves the run RUNNING; the restart re-queues it
/// and this step is redone with the same bytes (except `created_at`).
struct ArtifactWriter: Sendable {
    let storage: any ArtifactStorage
    let locks: ChainLocks

    /// What a DONE run's files are made of.
    struct Inputs {
        let run: RunRecord
        /// The run document as `GET /runs/{id}` will show it once DONE.
        let document: JSONValue
        let top: [RankedVariant]
        let series: PreparedSeries
        let settings: BacktestSettings
    }

    /// The bytes of the four data files, in manifest order.
    static func files(_ inputs: Inputs) -> [(name: String, bytes: [UInt8])] {
        let best = inputs.top.first
        let detailed = best.map {
            Backtester.detailed($0.parameters, on: inputs.series, settings: $0.settings(inputs.settings))
        }
        let summary: JSONValue = .object([
            ("run", inputs.document), ("metrics", best.map { ResultEncoding.metrics($0.metrics) } ?? .null),
        ])
        let series = inputs.series.series
        // No variant evaluated (every combination skipped): the CSVs hold their header only.
        let equity =
            detailed.map { ArtifactCSV.equity($0, series: series, settings: inputs.settings) }
            ?? ArtifactCSV.table(ArtifactCSV.equityColumns, [])
        let trades =
            detailed.map { ArtifactCSV.trades($0, series: series) } ?? ArtifactCSV.table(ArtifactCSV.tradeColumns, [])
        return [
            ("summary.json", Array(JSONWriter.compact(summary).utf8)), ("results.csv", ArtifactCSV.results(inputs.top)),
            ("equity.csv", equity), ("trades.csv", trades),
        ]
    }

    /// The data files of a run as staged: their manifest entries, and what the sealing
    /// transaction must carry (the bytes themselves when the catalog keeps them).
    struct Staged {
        let entries: [Manifest.File]
        let carried: [ArtifactFile]
    }

    /// Stages the data files (on disk: written durably) and returns their manifest entries.
    func writeFiles(_ inputs: Inputs) throws -> Staged {
        let files = Self.files(inputs).map { ArtifactFile(name: $0.name, bytes: $0.bytes) }
        let carried = try storage.stage(inputs.run.id, files)
        return Staged(
            entries: files.map {
                Manifest.File(name: $0.name, size: $0.bytes.count, sha256: InputHash.sha256Hex($0.bytes))
            },
            carried: carried)
    }

    /// Under the owner's lock: reads the chain head, stages the manifest after it, and runs
    /// `commit` with the new link and the files to store with it (the DONE transition), so no
    /// other run of the owner can take the same head in between.
    /// Seals tried before giving up on a head that keeps moving (each retry follows another
    /// node's seal of the same owner, so this many in a row means something is wrong).
    static let sealAttempts = 50

    func seal<T: Sendable>(
        _ run: RunRecord, files: Staged, at timestamp: String, head: () throws -> ChainRecord?,
        commit: (ChainRecord, [ArtifactFile]) throws -> T
    ) throws -> T {
        try locks.withLock(owner: run.owner) {
            // The lock covers this node; another node sharing the catalog may still move the head
            // first (the commit then refuses the link), and the seal is done again after it.
            var attempt = 1
            while true {
                let manifest = Manifest(
                    runID: run.id, inputHash: run.inputHash, createdAt: timestamp, files: files.entries,
                    chainPrev: try head()?.manifestHash)
                let carried = files.carried + (try storage.stageManifest(run.id, manifest.bytes))
                do {
                    return try commit(
                        ChainRecord(
                            runID: run.id, owner: run.owner, manifestHash: manifest.manifestHash,
                            chainPrev: manifest.chainPrev, createdAt: timestamp),
                        carried)
                } catch let moved as ChainHeadMoved {
                    guard attempt < Self.sealAttempts else { throw moved }
                    attempt += 1
                }
            }
        }
    }
}
