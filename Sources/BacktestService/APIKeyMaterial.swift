import Crypto

/// API keys and session ids: random bytes from the OS CSPRNG (`SystemRandomNumberGenerator`,
/// `getrandom` on Linux) in base58, so they survive copy-paste and shell quoting. Only their
/// SHA-256 is ever stored.
public enum APIKeyMaterial {
    static let keyPrefix = "bt_"
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    /// 32 bytes give 43 or 44 base58 characters; the bounds leave room without admitting junk.
    static let bodyLengths = 40...50

    /// A new key: `bt_` + base58 of 32 random bytes. A number so small that it encodes in
    /// fewer than 40 characters (odds about 1 in 10^8) is drawn again, so every key is well formed.
    public static func generate() -> String {
        while true {
            let key = keyPrefix + base58(randomBytes(32))
            if isWellFormed(key) { return key }
        }
    }

    /// A new browser session id: base58 of 32 random bytes.
    public static func sessionID() -> String { base58(randomBytes(32)) }

    /// Lower-case hex SHA-256 of the secret's UTF-8 bytes: what the catalog stores and looks up.
    public static func hash(_ secret: String) -> String { InputHash.sha256Hex(Array(secret.utf8)) }

    /// The display prefix: `bt_` and the first six characters after it.
    public static func prefix(_ key: String) -> String {
        guard key.hasPrefix(keyPrefix) else { return String(key.prefix(keyPrefix.count + 6)) }
        return keyPrefix + String(key.dropFirst(keyPrefix.count).prefix(6))
    }

    /// `bt_` and 40 to 50 base58 characters, nothing else: anything else is refused before a
    /// lookup (and never hashed into a timing difference).
    public static func isWellFormed(_ key: String) -> Bool {
        // Runs on every request: walks the bytes without copying them.
        let bytes = key.utf8
        guard bytes.starts(with: keyPrefix.utf8), bodyLengths.contains(bytes.count - 3) else { return false }
        return bytes.dropFirst(3).allSatisfy { decodeTable[Int($0)] >= 0 }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// Base58 (Bitcoin alphabet): leading zero bytes become leading `1`s, the rest is the
    /// big-endian number in base 58.
    static func base58(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        // Little-endian base-58 digits of the number, built by repeated multiply-and-add.
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Each byte's base58 value, or -1.
    static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()
}

/// What a key may do: `admin` sees every owner and manages keys; the others differ in limits.
public enum KeyTier: String, Sendable, CaseIterable {
    case free, pro, admin
}
