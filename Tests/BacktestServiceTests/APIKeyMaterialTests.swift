import Foundation
import Testing

@testable import BacktestService

/// An independent base58 codec for the tests: long division of the big-endian number.
enum ReferenceBase58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")

    static func encode(_ bytes: [UInt8]) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        let zeros = bytes.count - number.count
        var digits: [Character] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let value = remainder * 256 + Int(byte)
                let digit = value / 58
                remainder = value % 58
                if !(quotient.isEmpty && digit == 0) { quotient.append(UInt8(digit)) }
            }
            digits.append(alphabet[remainder])
            number = quotient
        }
        return String(repeating: "1", count: zeros) + String(digits.reversed())
    }

    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []  // little-endian
        for character in text {
            guard var carry = alphabet.firstIndex(of: character) else { return nil }
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        let zeros = text.prefix { $0 == "1" }.count
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

@Suite struct APIKeyMaterialTests {
    @Test func base58_matchesPublishedVectors() {
        #expect(APIKeyMaterial.base58([]) == "")
        #expect(APIKeyMaterial.base58([0]) == "1")
        #expect(APIKeyMaterial.base58([0, 0, 0]) == "111")
        #expect(APIKeyMaterial.base58(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(APIKeyMaterial.base58([0x00, 0x00, 0x28, 0x7F, 0xB4, 0xCD]) == "11233QC4")
        #expect(
            APIKeyMaterial.base58(Array("The quick brown fox jumps over the lazy dog.".utf8))
                == "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z")
    }

    @Test func base58_roundTripsAgainstAReferenceCodec() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            for _ in 0..<8 {
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if length > 2, Bool.random(using: &generator) { bytes[0] = 0 }
                let text = APIKeyMaterial.base58(bytes)
                #expect(text == ReferenceBase58.encode(bytes))
                #expect(ReferenceBase58.decode(text) == bytes)
            }
        }
        let extremes: [[UInt8]] = [[UInt8](repeating: 0xFF, count: 32), [UInt8](repeating: 0, count: 32)]
        for bytes in extremes {
            #expect(ReferenceBase58.decode(APIKeyMaterial.base58(bytes)) == bytes)
        }
        #expect(APIKeyMaterial.base58([UInt8](repeating: 0xFF, count: 32)).count == 44)
    }

    @Test func generatedKeys_areWellFormedUniqueAndCarry32Bytes() {
        var seen = Set<String>()
        var prefixes = Set<String>()
        for _ in 0..<1000 {
            let key = APIKeyMaterial.generate()
            #expect(key.hasPrefix("bt_"))
            #expect(APIKeyMaterial.isWellFormed(key))
            let body = String(key.dropFirst(3))
            #expect((40...44).contains(body.count))
            #expect(ReferenceBase58.decode(body).map { $0.count <= 32 } == true)
            seen.insert(key)
            prefixes.insert(APIKeyMaterial.prefix(key))
        }
        #expect(seen.count == 1000)
        // 58^6 display prefixes: 1000 keys almost never share one; most must differ.
        #expect(prefixes.count > 990)
        let sessions = Set((0..<1000).map { _ in APIKeyMaterial.sessionID() })
        #expect(sessions.count == 1000)
        #expect(sessions.allSatisfy { !$0.hasPrefix("bt_") && (40...44).contains($0.count) })
    }

    @Test func prefix_isBtAndSixCharacters() {
        #expect(APIKeyMaterial.prefix("bt_abcdefghijk") == "bt_abcdef")
        #expect(APIKeyMaterial.prefix("bt_abc") == "bt_abc")
        let key = APIKeyMaterial.generate()
        #expect(APIKeyMaterial.prefix(key).count == 9)
        #expect(key.hasPrefix(APIKeyMaterial.prefix(key)))
    }

    @Test func wellFormedness_holdsAt40And50CharactersAndNowhereElse() {
        let valid = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
        func key(_ count: Int) -> String { "bt_" + String(valid.prefix(count)) }
        #expect(!APIKeyMaterial.isWellFormed(key(39)))
        #expect(APIKeyMaterial.isWellFormed(key(40)))
        #expect(APIKeyMaterial.isWellFormed(key(50)))
        #expect(!APIKeyMaterial.isWellFormed(key(51)))
        #expect(!APIKeyMaterial.isWellFormed(""))
        #expect(!APIKeyMaterial.isWellFormed("bt_"))
        #expect(!APIKeyMaterial.isWellFormed(String(key(44).dropFirst(3))))
        #expect(!APIKeyMaterial.isWellFormed("BT_" + String(valid.prefix(44))))
        // Characters base58 leaves out (0, O, I, l), punctuation, space, non-ASCII.
        for intruder in ["0", "O", "I", "l", "+", "/", " ", "=", "é", "\u{0}"] {
            var body = Array(valid.prefix(43)).map(String.init)
            body[20] = intruder
            #expect(!APIKeyMaterial.isWellFormed("bt_" + body.joined()), "\(intruder)")
        }
    }

    @Test func hash_isLowercaseHexSHA256() {
        #expect(
            APIKeyMaterial.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let key = APIKeyMaterial.generate()
        #expect(APIKeyMaterial.hash(key).count == 64)
        #expect(APIKeyMaterial.hash(key) != APIKeyMaterial.hash(APIKeyMaterial.generate()))
    }
}
