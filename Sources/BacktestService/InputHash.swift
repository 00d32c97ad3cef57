import Crypto

/// SHA-256 (lower-case hex) of the RFC 8785 form of the normalized request, the dataset's
/// content hash and the engine version: key order, `20` vs `20.0` and omitted defaults do
/// not change it; new data or a new engine does.
public enum InputHash {
    public static let engineVersion = "backtestd-engine/1"

    public static func compute(normalized: JSONValue, datasetSHA256: String, engineVersion: String = engineVersion)
        -> String
    {
        let document: JSONValue = .object([
            ("request", normalized), ("dataset_sha256", .string(datasetSHA256)),
            ("engine_version", .string(engineVersion)),
        ])
        return sha256Hex(Array(JSONWriter.canonical(document).utf8))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
