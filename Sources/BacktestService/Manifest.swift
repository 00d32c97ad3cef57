/// `manifest.json` of a run's artifacts. Written in RFC 8785 form; `manifest_hash` is the SHA-256
/// of the JCS of the manifest without `manifest_hash`, and `chain_prev` the hash of the owner's
/// previous manifest, which makes each owner's manifests one tamper-evident chain.
public struct Manifest: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public let name: String
        public let size: Int
        public let sha256: String
    }

    public let runID: String
    public let inputHash: String
    public let createdAt: String
    public let files: [File]
    public let chainPrev: String?

    init(runID: String, inputHash: String, createdAt: String, files: [File], chainPrev: String?) {
        self.runID = runID
        self.inputHash = inputHash
        self.createdAt = createdAt
        self.files = files
        self.chainPrev = chainPrev
    }

    /// The members that `manifest_hash` covers.
    private var hashedMembers: [(String, JSONValue)] {
        [
            ("run_id", .string(runID)), ("input_hash", .string(inputHash)), ("created_at", .string(createdAt)),
            (
                "files",
                .array(
                    files.map { file in
                        .object([
                            ("name", .string(file.name)), ("size", .integer(file.size)),
                            ("sha256", .string(file.sha256)),
                        ])
                    })
            ),
            ("chain_prev", .string(chainPrev)),
        ]
    }

    public var manifestHash: String {
        InputHash.sha256Hex(Array(JSONWriter.canonical(.object(hashedMembers)).utf8))
    }

    /// The bytes of `manifest.json`.
    public var bytes: [UInt8] {
        Array(JSONWriter.canonical(.object(hashedMembers + [("manifest_hash", .string(manifestHash))])).utf8)
    }

    /// Reads a manifest back with the hash it claims (which `verify` compares to `manifestHash`).
    public static func parse(_ bytes: [UInt8]) -> (Manifest, claimedHash: String)? {
        guard let value = try? JSONParser.parse(bytes),
            let runID = value["run_id"]?.string, let inputHash = value["input_hash"]?.string,
            let createdAt = value["created_at"]?.string, let claimed = value["manifest_hash"]?.string,
            let entries = value["files"]?.array, let prev = value["chain_prev"]
        else { return nil }
        var files: [File] = []
        for entry in entries {
            guard let name = entry["name"]?.string, let size = entry["size"]?.integer,
                let sha = entry["sha256"]?.string
            else { return nil }
            files.append(File(name: name, size: size, sha256: sha))
        }
        guard prev.isNull || prev.string != nil else { return nil }
        return (
            Manifest(runID: runID, inputHash: inputHash, createdAt: createdAt, files: files, chainPrev: prev.string),
            claimed
        )
    }
}
