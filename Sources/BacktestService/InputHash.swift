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
        // Written through a table into one buffer: an API key is hashed on every request.
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            for (index, byte) in SHA256.hash(data: bytes).enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 15)]
            }
            return 64
        }
    }
}
