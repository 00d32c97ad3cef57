import BacktestService
import Catalog
import Foundation
import Testing

/// The `backtestd keys` commands, run as the built binary.
@Suite struct KeysCommandTests {
    typealias Outcome = BinaryOutcome

    func keys(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try runBinary(["keys"] + arguments, environment: environment)
    }

    /// The catalog's files hold no trace of `key` (nor of its part after `bt_`).
    func expectAbsent(_ key: String, in directory: String) throws {
        let files = try catalogFiles(in: directory)
        #expect(files.contains("catalog.sqlite"))
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + file))
            #expect(bytes.range(of: Data(key.utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data(key.dropFirst(3).utf8)) == nil, "\(file)")
        }
    }

    @Test func createListRevoke_keepTheOutputContract() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let directory = Paths.temporaryDirectory() + "/data"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try keys(["create", "--owner", "alice", "--tier", "pro", "--data-dir", directory])
        #expect(created.status == 0)
        // Stdout is the key and one newline, nothing else: `KEY=$(backtestd keys create ...)` works.
        let key = String(created.stdout.dropLast())
        #expect(created.stdout.hasSuffix("\n") && !key.contains("\n"))
        #expect(APIKeyMaterial.isWellFormed(key))
        let prefix = APIKeyMaterial.prefix(key)
        #expect(created.stderr.contains("owner=alice"))
        #expect(created.stderr.contains("tier=pro"))
        #expect(created.stderr.contains("prefix=\(prefix)"))
        #expect(created.stderr.contains("shown once"))
        #expect(!created.stderr.contains(key))
        let id = try #require(created.stderr.split(separator: " ").dropFirst().first.map(String.init))
        #expect(id.hasPrefix("key_"))

        let second = try keys(["create", "--owner", "bob", "--tier", "free", "--data-dir", directory])
        let otherKey = String(second.stdout.dropLast())
        #expect(second.status == 0 && otherKey != key)

        let listed = try keys(["list", "--data-dir", directory])
        #expect(listed.status == 0)
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.first?.contains("LAST USED") == true)
        #expect(lines[1].contains(id) && lines[1].contains("alice") && lines[1].contains(prefix))
        #expect(lines[2].contains("bob"))
        #expect(!listed.stdout.contains(key) && !listed.stdout.contains(otherKey))

        let revoked = try keys(["revoke", prefix, "--data-dir", directory])
        #expect(revoked.status == 0)
        #expect(revoked.stdout.contains("revoked \(id)"))
        let after = try keys(["list", "--data-dir", directory]).stdout.split(separator: "\n")
        #expect(after[1].hasSuffix("Z"))  // the revocation timestamp, where "-" was
        #expect(after[2].hasSuffix("-"))
        // Revoking again is not an error; an unknown key is.
        #expect(try keys(["revoke", id, "--data-dir", directory]).status == 0)
        let unknown = try keys(["revoke", "bt_zzzzzz", "--data-dir", directory])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("not_found"))
        #expect(unknown.stdout.isEmpty)
        try expectAbsent(key, in: directory)
        try expectAbsent(otherKey, in: directory)
    }

    @Test func badInput_failsOnStderrWithNothingOnStdout() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for owner in ["public", "a b", "", String(repeating: "x", count: 65)] {
            let refused = try keys(["create", "--owner", owner, "--tier", "free", "--data-dir", directory])
            #expect(refused.status == 65, "\(owner)")
            #expect(refused.stderr.contains("owner"))
            #expect(refused.stdout.isEmpty)
        }
        let badTier = try keys(["create", "--owner", "alice", "--tier", "gold", "--data-dir", directory])
        #expect(badTier.status != 0)
        #expect(badTier.stdout.isEmpty)
        // No catalog there: list and revoke say so instead of creating an empty one.
        let missing = directory + "/nowhere"
        let list = try keys(["list", "--data-dir", missing])
        #expect(list.status != 0)
        #expect(list.stderr.contains("no catalog"))
        #expect(!FileManager.default.fileExists(atPath: missing + "/catalog.sqlite"))
        #expect(try keys(["revoke", "key_0", "--data-dir", missing]).status != 0)
        #expect(try keys(["list", "--data-dir", directory]).stdout.split(separator: "\n").count == 1)
    }

    @Test func theDataDirectoryResolvesLikeServe() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let root = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fromFile = root + "/from-file"
        let fromEnvironment = root + "/from-environment"
        let config = root + "/config.json"
        try #"{"data_dir": "\#(fromFile)"}"#.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try keys(["create", "--owner", "a", "--tier", "free", "--config", config]).status == 0)
        #expect(FileManager.default.fileExists(atPath: fromFile + "/catalog.sqlite"))
        let environment = ["BACKTESTD_DATA_DIR": fromEnvironment]
        #expect(
            try keys(["create", "--owner", "b", "--tier", "free", "--config", config], environment: environment).status
                == 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment + "/catalog.sqlite"))
        // The flag wins over both.
        let listed = try keys(["list", "--config", config, "--data-dir", fromFile], environment: environment)
        #expect(listed.stdout.contains(" a "))
        #expect(!listed.stdout.contains(" b "))
        let bad = try keys(["list"], environment: ["BACKTESTD_NO_SUCH_SETTING": "1"])
        #expect(bad.status != 0)
        #expect(bad.stdout.isEmpty)
    }

    @Test func theCommandsWorkWhileAServerRunsOnTheCatalog() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary))
        let directory = Paths.temporaryDirectory()
        try await withRunningService(directory: directory) { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":5,"slow":9}}}"#
            #expect(try call(port, "POST", "/backtests", body: body).status == 202)
            let created = try keys(["create", "--owner", "carol", "--tier", "admin", "--data-dir", directory])
            #expect(created.status == 0)
            let key = String(created.stdout.dropLast())
            // The server's catalog sees the key by its hash, on another connection.
            let catalog = try Catalog(path: directory + "/catalog.sqlite")
            #expect(try catalog.activeKeys().map(\.hash) == [APIKeyMaterial.hash(key)])
            #expect(try keys(["revoke", APIKeyMaterial.prefix(key), "--data-dir", directory]).status == 0)
            #expect(try catalog.activeKeys().isEmpty)
            #expect(try catalog.keyCount() == 1)
            // The server still writes.
            let other =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":6,"slow":9}}}"#
            #expect(try call(port, "POST", "/backtests", body: other).status == 202)
            try expectAbsent(key, in: directory)
        }
    }
}

/// The catalog's files in `directory` (relative paths), with those of its folders (`catalog.sqlite-bars/`).
func catalogFiles(in directory: String) throws -> [String] {
    var files: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasPrefix("catalog")
    {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isFolder)
        guard isFolder.boolValue else {
            files.append(name)
            continue
        }
        files += try FileManager.default.contentsOfDirectory(atPath: directory + "/" + name).sorted().map {
            name + "/" + $0
        }
    }
    return files
}
