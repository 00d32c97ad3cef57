import ArgumentParser
import BacktestAPI
import BacktestService
import Catalog
import Foundation

/// `backtestd keys create|list|revoke`: key management on the catalog file directly (no
/// service, no workers), safe while a server runs on the same catalog (SQLite WAL, bounded
/// busy timeout). The server picks changes up from the catalog.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.",
        subcommands: [CreateKey.self, ListKeys.self, RevokeKey.self])
}

/// Where the catalog is: the same resolution as `serve` (config file, `BACKTESTD_*`, `--data-dir`).
struct CatalogLocation: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the catalog (default ./var).") var dataDir: String?
    @Option(help: "JSON config file; unknown keys are an error.") var config: String?

    func dataDirectory() throws -> String { try settings().dataDir }

    /// The settings these options, the config file and the environment give.
    func settings() throws -> Settings {
        var settings = Settings()
        do {
            if let config { try settings.apply(configFile: config) }
            try settings.apply(environment: ProcessInfo.processInfo.environment)
            if let dataDir { try settings.set("data_dir", dataDir, source: "--data-dir") }
        } catch let error as Settings.Invalid {
            throw ValidationError(error.message)
        }
        return settings
    }

    /// The catalog, created with its directory when `create` is true; otherwise it must exist
    /// (a typo in `--data-dir` must not silently make an empty catalog).
    func open(create: Bool) throws -> Catalog {
        let settings = try settings()
        let directory = settings.dataDir
        if settings.catalogUrl.hasPrefix("postgres") {
            // A PostgreSQL catalog is created by whoever opens it first, so `create` changes nothing.
            do { return try Catalog(location: .postgres(url: settings.catalogUrl)) } catch {
                throw KeysFailure(message: "cannot open the PostgreSQL catalog: \(error)")
            }
        }
        let path =
            settings.catalogUrl == "sqlite:" ? directory + "/catalog.sqlite" : String(settings.catalogUrl.dropFirst(7))
        do {
            if create {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } else if !FileManager.default.fileExists(atPath: path) {
                throw KeysFailure(message: "no catalog at \(path)")
            }
            return try Catalog(path: path)
        } catch let failure as KeysFailure {
            throw failure
        } catch {
            throw KeysFailure(message: "cannot open the catalog at \(path): \(error)")
        }
    }
}

/// A failure reported on stderr as one line, with a non-zero status (65 for the caller's
/// input, 70 for the catalog's).
struct KeysFailure: Error, CustomStringConvertible {
    let message: String
    let status: Int32

    init(message: String, status: Int32 = 70) {
        self.message = message
        self.status = status
    }

    init(_ error: ServiceError) {
        let details = error.details.map { "\($0.path): \($0.message)" }.joined(separator: "; ")
        message = "\(error.code): \(error.message)" + (details.isEmpty ? "" : " (\(details))")
        status = error.code == "internal" || error.code == "insufficient_storage" ? 70 : 65
    }

    var description: String { message }
}

/// Runs `body`, turning failures into a line on stderr and an exit status.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as KeysFailure {
        FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
        throw ExitCode(failure.status)
    } catch let error as ServiceError {
        let failure = KeysFailure(error)
        FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
        throw ExitCode(failure.status)
    }
}

extension KeyTier: ExpressibleByArgument {}

struct CreateKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a key; prints the key alone on stdout (shown once), the rest on stderr.")

    @Option(help: "Owner of everything the key creates (1-64 of A-Z a-z 0-9 . _ -).") var owner: String
    @Option(help: "free, pro or admin.") var tier: KeyTier
    @OptionGroup var location: CatalogLocation

    func run() throws {
        try reportingFailures {
            let catalog = try location.open(create: true)
            let (key, record) = try KeyManager(catalog: catalog).create(owner: owner, tier: tier)
            // Stderr first: once stdout is written a pipe reader may already have gone.
            FileHandle.standardError.write(
                Data(
                    """
                    created \(record.id) owner=\(record.owner) tier=\(record.tier) prefix=\(record.prefix)
                    the key is shown once, on stdout; only its SHA-256 is stored

                    """.utf8))
            FileHandle.standardOutput.write(Data((key + "\n").utf8))
        }
    }
}

struct ListKeys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List every key (never the key itself), oldest first.")

    @OptionGroup var location: CatalogLocation

    func run() throws {
        try reportingFailures {
            let keys = try KeyManager(catalog: try location.open(create: false)).list()
            let rows =
                [["ID", "OWNER", "TIER", "PREFIX", "CREATED", "LAST USED", "REVOKED"]]
                + keys.map { key in
                    [
                        key.id, key.owner, key.tier, key.prefix, key.createdAt, key.lastUsedAt ?? "-",
                        key.revokedAt ?? "-",
                    ]
                }
            print(Self.table(rows), terminator: "")
        }
    }

    /// Columns padded to their widest cell, two spaces apart, no trailing blanks.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}

struct RevokeKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a key by id or display prefix; its sessions end with it.")

    @Argument(help: "The key's id (key_...) or display prefix (bt_ and 6 characters).") var key: String
    @OptionGroup var location: CatalogLocation

    func run() throws {
        try reportingFailures {
            let record = try KeyManager(catalog: try location.open(create: false)).revoke(key)
            print("revoked \(record.id) owner=\(record.owner) prefix=\(record.prefix) at \(record.revokedAt ?? "-")")
        }
    }
}
