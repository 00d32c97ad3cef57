/// The three hashes beside `input_hash` (roehub's names), each SHA-256 hex of the RFC 8785
/// canonical JSON of one part of the normalized request — see docs/api.md for a worked example.
public struct ReproducibilityHashes: Sendable, Equatable {
    /// Of the preset's normalized config (saved mode only).
    public let specHash: String?
    /// Of `{"grid": …, "strategy": …}`: what varies between the variants and how.
    public let gridRequestHash: String
    /// Of `{"engine_version": …, "execution": …, "risk": …, "validation": …}`: how each variant is run.
    public let engineParamsHash: String

    public init(normalized: JSONValue, specHash: String?, engineVersion: String = InputHash.engineVersion) {
        self.specHash = specHash
        gridRequestHash = Self.hash(
            .object([("grid", normalized["grid"] ?? .null), ("strategy", normalized["strategy"] ?? .null)]))
        engineParamsHash = Self.hash(
            .object([
                ("engine_version", .string(engineVersion)), ("execution", normalized["execution"] ?? .null),
                ("risk", normalized["risk"] ?? .null), ("validation", normalized["validation"] ?? .null),
            ]))
    }

    /// SHA-256 hex of the canonical form of `value`.
    public static func hash(_ value: JSONValue) -> String {
        InputHash.sha256Hex(Array(JSONWriter.canonical(value).utf8))
    }

    /// The three as document members.
    var members: [(String, JSONValue)] {
        [
            ("spec_hash", .string(specHash)), ("grid_request_hash", .string(gridRequestHash)),
            ("engine_params_hash", .string(engineParamsHash)),
        ]
    }
}
