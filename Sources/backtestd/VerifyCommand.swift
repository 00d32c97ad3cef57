import ArgumentParser
import BacktestService
import Foundation

/// `backtestd verify`: re-hashes every artifact file and manifest along each owner's chain (or
/// one owner's) and reports the first break. Reads the catalog directly, like `keys`; the files
/// come from the data directory (SQLite) or from the catalog itself (PostgreSQL).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify the artifact hash chains of finished runs.")

    @OptionGroup var location: CatalogLocation
    @Option(help: "Verify only this owner's chain.") var owner: String?

    func run() throws {
        var outcome: Result<ChainVerifier.Totals, ChainVerifier.Break> = .success(.init())
        try reportingFailures {
            let catalog = try location.open(create: false)
            let verifier = ChainVerifier(catalog: catalog, dataDirectory: try location.dataDirectory())
            do { outcome = try verifier.verify(owner: owner) } catch {
                throw KeysFailure(message: "cannot read the catalog: \(error)")
            }
        }
        switch outcome {
        case .success(let totals):
            print("ok: \(totals.manifests) manifests, \(totals.files) files")
        case .failure(let found):
            print(found.description)
            throw ExitCode(1)
        }
    }
}
