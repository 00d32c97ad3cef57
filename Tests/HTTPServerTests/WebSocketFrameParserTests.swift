import TestSupport
import Testing

@testable import HTTPServer

typealias Event = WebSocketFrameParser.Event

/// Feeds `bytes` whole, one byte at a time and in pieces of `pieceSize`; all three must agree.
func parsedThreeWays(_ bytes: [UInt8], limits: WebSocketFrameParser.Limits = .init(), pieceSize: Int = 7) -> [Event] {
    var whole = WebSocketFrameParser(limits: limits)
    let expected = whole.feed(bytes)
    var single = WebSocketFrameParser(limits: limits)
    let byByte = bytes.flatMap { single.feed([$0]) }
    var chunked = WebSocketFrameParser(limits: limits)
    let byPiece = stride(from: 0, to: bytes.count, by: pieceSize).flatMap {
        chunked.feed(bytes[$0..<min($0 + pieceSize, bytes.count)])
    }
    #expect(byByte == expected)
    #expect(byPiece == expected)
    return expected
}

func failureCode(_ events: [Event]) -> UInt16? {
    guard case .failure(let code, _)? = events.last else { return nil }
    return code
}

@Suite struct WebSocketFrameParserTests {
    @Test func messagesOfEveryLengthForm_manyFramesPerBuffer() {
        let short = "héllo wörld"
        let medium = [UInt8](repeating: 0x61, count: 300)
        let long = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        let bytes =
            clientFrame(Op.text, short) + clientFrame(Op.binary, medium) + clientFrame(Op.binary, long)
            + clientFrame(Op.text, "") + clientFrame(Op.ping, [1, 2]) + clientFrame(Op.pong, [])
        let events = parsedThreeWays(bytes, limits: .init(maxFrameBytes: 1 << 20, maxMessageBytes: 1 << 20))
        #expect(
            events == [
                .message(.text(short)), .message(.binary(medium)), .message(.binary(long)), .message(.text("")),
                .ping([1, 2]), .pong([]),
            ])
    }

    @Test func fragmentsJoin_withControlFramesBetweenThem() {
        // "€" (E2 82 AC) split across fragments: valid, though no fragment is valid alone.
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let bytes =
            clientFrame(Op.text, [0x61, euro[0]], fin: false) + clientFrame(Op.ping, [9])
            + clientFrame(Op.continuation, [euro[1]], fin: false) + clientFrame(Op.pong, [])
            + clientFrame(Op.continuation, [euro[2], 0x62], fin: true) + clientFrame(Op.binary, [1], fin: false)
            + clientFrame(Op.continuation, [2], fin: true)
        #expect(parsedThreeWays(bytes) == [.ping([9]), .pong([]), .message(.text("a€b")), .message(.binary([1, 2]))])
    }

    @Test func unmaskedFrame_isAProtocolError() {
        #expect(failureCode(parsedThreeWays(clientFrame(Op.text, [0x61], masked: false))) == 1002)
    }

    @Test func reservedBitsAndOpcodes_areProtocolErrors() {
        for rsv: UInt8 in 1...7 {
            #expect(failureCode(parsedThreeWays(clientFrame(Op.text, [0x61], rsv: rsv))) == 1002)
        }
        for opcode: UInt8 in [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] {
            #expect(failureCode(parsedThreeWays(clientFrame(opcode, [0x61]))) == 1002)
        }
    }

    @Test func controlFrames_neverFragmentedNorLongerThan125() {
        #expect(failureCode(parsedThreeWays(clientFrame(Op.ping, [1], fin: false))) == 1002)
        #expect(parsedThreeWays(clientFrame(Op.ping, [UInt8](repeating: 1, count: 125))).count == 1)
        #expect(failureCode(parsedThreeWays(clientFrame(Op.ping, [UInt8](repeating: 1, count: 126)))) == 1002)
        #expect(failureCode(parsedThreeWays(clientFrame(Op.close, [UInt8](repeating: 0x61, count: 126)))) == 1002)
    }

    @Test func fragmentOrder_isEnforced() {
        #expect(failureCode(parsedThreeWays(clientFrame(Op.continuation, [1]))) == 1002)
        let interleaved = clientFrame(Op.text, "a", fin: false) + clientFrame(Op.text, "b")
        #expect(failureCode(parsedThreeWays(interleaved)) == 1002)
        let binaryInText = clientFrame(Op.text, "a", fin: false) + clientFrame(Op.binary, [1])
        #expect(failureCode(parsedThreeWays(binaryInText)) == 1002)
    }

    @Test func lengthWithTopBitSet_isAProtocolError() {
        let frame: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]
        #expect(failureCode(parsedThreeWays(frame)) == 1002)
    }

    @Test func invalidUTF8_failsAtTheFirstBadByte_beforeTheFrameEnds() {
        // The frame announces 100 bytes; the bad byte is the third. The failure must come without the rest.
        let frame = clientFrame(Op.text, [0x61, 0x62, 0xFF] + [UInt8](repeating: 0x61, count: 97))
        var parser = WebSocketFrameParser()
        let events = parser.feed(frame[0..<(6 + 3)])
        #expect(failureCode(events) == 1007)
        for bad: [UInt8] in [
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0x80], [0x80],
        ] {
            #expect(failureCode(parsedThreeWays(clientFrame(Op.text, bad))) == 1007, "\(bad)")
        }
        // A message may not end inside a character, even when each fragment was fine so far.
        #expect(failureCode(parsedThreeWays(clientFrame(Op.text, [0x61, 0xE2, 0x82]))) == 1007)
        // Binary messages are not text.
        #expect(parsedThreeWays(clientFrame(Op.binary, [0xFF])) == [.message(.binary([0xFF]))])
    }

    @Test func frameLimit_atNAndNPlusOne() {
        let limits = WebSocketFrameParser.Limits(maxFrameBytes: 1000, maxMessageBytes: 5000)
        let atLimit = [UInt8](repeating: 7, count: 1000)
        #expect(parsedThreeWays(clientFrame(Op.binary, atLimit), limits: limits) == [.message(.binary(atLimit))])
        #expect(failureCode(parsedThreeWays(clientFrame(Op.binary, atLimit + [7]), limits: limits)) == 1009)
    }

    @Test func messageLimit_atNAndNPlusOne_acrossFragments() {
        let limits = WebSocketFrameParser.Limits(maxFrameBytes: 1000, maxMessageBytes: 1500)
        let first = [UInt8](repeating: 1, count: 1000)
        let fits =
            clientFrame(Op.binary, first, fin: false) + clientFrame(Op.continuation, [UInt8](repeating: 1, count: 500))
        #expect(parsedThreeWays(fits, limits: limits) == [.message(.binary([UInt8](repeating: 1, count: 1500)))])
        let over =
            clientFrame(Op.binary, first, fin: false) + clientFrame(Op.continuation, [UInt8](repeating: 1, count: 501))
        #expect(failureCode(parsedThreeWays(over, limits: limits)) == 1009)
    }

    @Test func closeFrames_codesAndReasons() {
        #expect(parsedThreeWays(clientFrame(Op.close, [])) == [.close(code: nil, reason: "")])
        #expect(
            parsedThreeWays(clientFrame(Op.close, closePayload(1000, "bye"))) == [.close(code: 1000, reason: "bye")])
        for valid: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999] {
            #expect(parsedThreeWays(clientFrame(Op.close, closePayload(valid))) == [.close(code: valid, reason: "")])
        }
        for invalid: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] {
            #expect(failureCode(parsedThreeWays(clientFrame(Op.close, closePayload(invalid)))) == 1002, "\(invalid)")
        }
        #expect(failureCode(parsedThreeWays(clientFrame(Op.close, [0x03]))) == 1002)
        #expect(failureCode(parsedThreeWays(clientFrame(Op.close, closePayload(1000) + [0xFF]))) == 1007)
    }

    @Test func afterCloseOrFailure_inputIsIgnored() {
        let afterClose = clientFrame(Op.close, closePayload(1000)) + clientFrame(Op.text, "late")
        #expect(parsedThreeWays(afterClose) == [.close(code: 1000, reason: "")])
        let afterFailure = clientFrame(Op.text, [0x78], masked: false) + clientFrame(Op.text, "late")
        #expect(parsedThreeWays(afterFailure).count == 1)
    }

    @Test func utf8Validator_agreesWithTheStandardLibrary_onRandomBytesAndSplits() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x90, 0x8F,
        ]
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator) ?? 0
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let split = Int.random(in: 0...bytes.count, using: &generator)
            var validator = UTF8Validator()
            let first = Array(bytes[..<split]).withUnsafeBytes { validator.consume($0) }
            let second = first && Array(bytes[split...]).withUnsafeBytes { validator.consume($0) }
            #expect((second && validator.isComplete) == expected, "\(bytes) split at \(split)")
        }
    }
}

@Suite struct WebSocketEncodingTests {
    @Test func acceptValue_matchesRFC6455Example() {
        #expect(WebSocketHandshake.acceptValue(forKey: TestClient.sampleKey) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func sameOriginOrNone_comparesTheOriginsHostWithHost() {
        let check = WebSocketRoute.sameOriginOrNone
        #expect(check(nil, "localhost:8080"))
        #expect(check("http://localhost:8080", "localhost:8080"))
        #expect(check("HTTP://LocalHost:8080", "localhost:8080"))
        #expect(!check("http://localhost:8081", "localhost:8080"))
        #expect(!check("http://evil.example", "localhost:8080"))
        #expect(!check("null", "localhost:8080"))
        #expect(!check("http://localhost:8080", nil))
    }

    @Test func frameHeaders_useTheShortestLengthForm() {
        #expect(Array(WebSocketFrameEncoder.frame(.text, [UInt8](repeating: 0, count: 125)).prefix(2)) == [0x81, 125])
        #expect(
            Array(WebSocketFrameEncoder.frame(.binary, [UInt8](repeating: 0, count: 126)).prefix(4)) == [
                0x82, 126, 0, 126,
            ])
        #expect(
            Array(WebSocketFrameEncoder.frame(.binary, [UInt8](repeating: 0, count: 65535)).prefix(4)) == [
                0x82, 126, 255, 255,
            ])
        #expect(
            Array(WebSocketFrameEncoder.frame(.binary, [UInt8](repeating: 0, count: 65536)).prefix(10))
                == [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func closeReason_isCutAtACharacterBoundary_toFitAControlFrame() {
        let frame = WebSocketFrameEncoder.close(code: 1001, reason: String(repeating: "é", count: 100))
        #expect(frame[1] == 124)  // the code and 61 two-byte characters: a 62nd would pass 125 bytes
        let payload = Array(frame[2...])
        #expect(payload.count <= 125)
        #expect(String(validating: payload[2...], as: UTF8.self) != nil)
        var parser = WebSocketFrameParser()
        // The same bytes as a client would send them parse as a valid close.
        #expect(parser.feed(clientFrame(Op.close, payload)).count == 1)
    }
}
